using Azure.Data.Tables;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Recovery;

/// <summary>
/// One customer's complete archived history, and the view entities the live pipeline would have written for it:
/// the profile (with its watermarks), the newest activity rows, a subject-index row per blob that holds any of the
/// customer's stored or quarantined events, the claim of every stored event's id (at the stream position that stored
/// it), and the identity-index rows of every email and phone it carried, in its quarantined events too.
/// </summary>
internal sealed class CustomerHistory
{
    private readonly EnvelopeParser _parser = new();
    private readonly string _region;
    private readonly List<EventIdentifiers> _quarantined = [];
    private readonly List<ArchivedEvent> _events = [];
    private readonly Dictionary<(string Container, string Name), int> _blobs = [];
    private readonly HashSet<(string Container, string Name)> _read = [];

    public CustomerHistory(string tenant, string subject, string defaultRegion)
    {
        Tenant = tenant;
        Subject = subject;
        _region = defaultRegion;
    }

    public string Tenant { get; }
    public string Subject { get; }
    public int EventCount => _events.Count;
    public bool IsEmpty => _blobs.Count == 0;
    public string PartitionKey => TableKeys.Customer(Tenant, Subject);

    public void Add(ArchiveBlob blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!_read.Add((blob.Container, blob.Name)))
        {
            return;
        }

        var count = 0;
        foreach (var archived in blob.Events.Where(e => e.Tenant == Tenant && e.Subject == Subject))
        {
            _events.Add(archived);
            count++;
        }

        foreach (var record in blob.Quarantined.Where(r => r.Tenant == Tenant && r.Subject == Subject))
        {
            _quarantined.Add(IdentifiersOf(record));
            count++;
        }

        if (count > 0)
        {
            _blobs[(blob.Container, blob.Name)] = count;
        }
    }

    /// <summary>Every entity of the customer's partition, as one clean live run would leave it.</summary>
    public List<TableEntity> Entities(Pseudonymizer pseudonymizer, int activityLimit)
    {
        var entities = _blobs.Select(b => SubjectIndex.ToEntity(PartitionKey, new BlobRef(b.Key.Container, b.Key.Name, b.Value))).ToList();
        if (_events.Count == 0)
        {
            return entities;
        }

        var ordered = _events.Order(ArchivedEvent.ProcessingOrder).ToList();
        var batch = new SubjectBatch(Tenant, Subject, ordered.Select(e => e.Prepared).ToList(), []);
        var profile = CustomerProfile.Fold(null, PartitionKey, batch, pseudonymizer);

        // A later write of the same activity row replaced an earlier one, so the last occurrence wins.
        var activity = new Dictionary<string, ArchivedEvent>(StringComparer.Ordinal);
        foreach (var archived in ordered)
        {
            activity[ActivityRows.RowKey(archived.Prepared)] = archived;
        }

        var kept = activity.Keys.Order(StringComparer.Ordinal).Take(activityLimit).ToList();
        profile[CustomerProfile.ActivityKeysProperty] = string.Join('\n', kept);
        entities.Add(profile);
        entities.AddRange(kept.Select(key => ActivityRows.ToEntity(PartitionKey, activity[key].Prepared, activity[key].Blob)));

        // The first position that stored an id claimed it; the archive holds no other copy unless written so by hand.
        entities.AddRange(ordered
            .DistinctBy(e => e.Prepared.Event.Id, StringComparer.Ordinal)
            .Select(e => ClaimRows.ToEntity(PartitionKey, e.Prepared.Event.Id, e.Position, e.Prepared.Incoming.EnqueuedTime)));
        return entities;
    }

    /// <summary>The identity-index rows (partition and row keys) that tie the customer's emails and phones to it.</summary>
    public HashSet<(string PartitionKey, string RowKey)> IdentityRows(Pseudonymizer pseudonymizer) =>
        IdentityIndex.Rows(pseudonymizer, Tenant, Subject, _events.Select(e => e.Prepared.Contact).Concat(_quarantined.SelectMany(q => q.AsContacts())));

    // As processing read them when it quarantined the event: from the data of its envelope, when that can be read.
    private EventIdentifiers IdentifiersOf(QuarantineRecord record)
    {
        var incoming = record.ToIncomingEvent();
        return _parser.Parse(incoming.Body, incoming.EnqueuedTime).Event is { } parsed ? EventIdentifiers.Read(parsed, _region) : EventIdentifiers.None;
    }
}

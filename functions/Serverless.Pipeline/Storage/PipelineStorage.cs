using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Serverless.Pipeline.Storage;

/// <summary>The storage clients the pipeline writes through; they work against Azure and Azurite alike.</summary>
public sealed class PipelineStorage
{
    public PipelineStorage(BlobServiceClient blobs, TableServiceClient tables, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(names);
        Names = names;
        Raw = blobs.GetBlobContainerClient(names.RawContainer);
        Quarantine = blobs.GetBlobContainerClient(names.QuarantineContainer);
        Customers = tables.GetTableClient(names.CustomersTable);
        Counters = tables.GetTableClient(names.CountersTable);
        EventIds = tables.GetTableClient(names.EventIdsTable);
        Deliveries = tables.GetTableClient(names.DeliveriesTable);
        Identities = tables.GetTableClient(names.IdentitiesTable);
        Suppressions = tables.GetTableClient(names.SuppressionsTable);
        PrivacyRequests = tables.GetTableClient(names.PrivacyRequestsTable);
        Workflows = tables.GetTableClient(names.WorkflowsTable);
        AuditHead = tables.GetTableClient(names.AuditHeadTable);
        Audit = blobs.GetBlobContainerClient(names.AuditContainer);
        Exports = blobs.GetBlobContainerClient(names.ExportsContainer);
        Reference = tables.GetTableClient(names.ReferenceTable);
        Blobs = blobs;
    }

    public StorageNames Names { get; }
    public BlobContainerClient Raw { get; }
    public BlobContainerClient Quarantine { get; }
    public TableClient Customers { get; }
    public TableClient Counters { get; }
    public TableClient EventIds { get; }
    public TableClient Deliveries { get; }
    public TableClient Identities { get; }
    public TableClient Suppressions { get; }
    public TableClient PrivacyRequests { get; }
    public TableClient Workflows { get; }
    public TableClient AuditHead { get; }
    public BlobContainerClient Audit { get; }
    public BlobContainerClient Exports { get; }
    public BlobServiceClient Blobs { get; }
    public TableClient Reference { get; }

    /// <summary>Creates what does not exist yet. In Azure, Bicep creates them; this is for Azurite and first runs.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            Raw.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Quarantine.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Customers.CreateIfNotExistsAsync(cancellationToken),
            Counters.CreateIfNotExistsAsync(cancellationToken),
            EventIds.CreateIfNotExistsAsync(cancellationToken),
            Deliveries.CreateIfNotExistsAsync(cancellationToken),
            Identities.CreateIfNotExistsAsync(cancellationToken),
            Suppressions.CreateIfNotExistsAsync(cancellationToken),
            PrivacyRequests.CreateIfNotExistsAsync(cancellationToken),
            Workflows.CreateIfNotExistsAsync(cancellationToken),
            AuditHead.CreateIfNotExistsAsync(cancellationToken),
            Audit.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Exports.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Reference.CreateIfNotExistsAsync(cancellationToken)).ConfigureAwait(false);
    }
}

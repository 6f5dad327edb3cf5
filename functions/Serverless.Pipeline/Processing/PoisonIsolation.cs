using Azure;
using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Processing;

/// <summary>
/// Writes one customer's views so that an event that can never be written cannot block its partition. A write that
/// fails permanently (<see cref="StorageFaults.IsPermanent"/>) is tried a bounded number of times; then the customer's
/// events are split in stream order and each half is written on its own, down to the single events that still fail.
/// Those are poison: they are left out of the views and handed back to go to quarantine. Halves are written in stream
/// order, so the per-partition watermarks make the split writes add up to one write of the events that remain.
/// Failures that are not permanent (storage unreachable) are thrown at once, and the host redelivers the batch.
/// Each write claims its events' ids with the views (a failed write claims none), so the halves also find the
/// duplicates among them.
/// </summary>
internal sealed partial class PoisonIsolation
{
    public const int MaxAttempts = 3;
    private readonly Func<SubjectBatch, CancellationToken, Task<IReadOnlyList<PreparedEvent>>> _write;
    private readonly TimeSpan _backoff;
    private readonly ILogger _logger;

    public PoisonIsolation(Func<SubjectBatch, CancellationToken, Task<IReadOnlyList<PreparedEvent>>> write, TimeSpan backoff, ILogger logger)
    {
        _write = write;
        _backoff = backoff;
        _logger = logger;
    }

    /// <summary>Writes the customer's views and returns the events left out: as poison, with why, and as duplicates.</summary>
    public async Task<SubjectWrite> WriteAsync(SubjectBatch subject, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                return new SubjectWrite([], await _write(subject, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (StorageFaults.IsPermanent(ex))
            {
                last = ex;
                LogAttemptFailed(subject.Events.Count, attempt, Describe(ex));
                if (attempt < MaxAttempts)
                {
                    await Task.Delay(_backoff * attempt, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (subject.Events.Count == 0)
        {
            // Only subject-index rows: nothing to leave out, and they must not be lost. Let the host retry.
            throw new InvalidOperationException("The subject index could not be written.", last);
        }

        var poison = new List<(PreparedEvent, Violation)>();
        var duplicates = new List<PreparedEvent>();
        await IsolateAsync(subject, last!, poison, duplicates, cancellationToken).ConfigureAwait(false);
        return new SubjectWrite(poison, duplicates);
    }

    private async Task IsolateAsync(SubjectBatch subject, Exception failure, List<(PreparedEvent, Violation)> poison, List<PreparedEvent> duplicates,
        CancellationToken cancellationToken)
    {
        if (subject.Events.Count == 1)
        {
            poison.Add((subject.Events[0], new Violation("$", "storage", $"The event's views could not be written after {MaxAttempts} attempts: {Describe(failure)}.")));
            return;
        }

        var middle = subject.Events.Count / 2;
        foreach (var half in new[] { subject.Events.Take(middle).ToList(), subject.Events.Skip(middle).ToList() })
        {
            var part = subject with { Events = half };
            try
            {
                duplicates.AddRange(await _write(part, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (StorageFaults.IsPermanent(ex))
            {
                await IsolateAsync(part, ex, poison, duplicates, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // The kind of failure without its message: storage and exception messages can quote the data.
    private static string Describe(Exception exception) => exception switch
    {
        RequestFailedException failed => $"storage refused the write ({failed.Status} {failed.ErrorCode})",
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[0]),
        _ => exception.GetType().Name,
    };

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning, Message = "Writing the views of a customer's {Count} events failed on attempt {Attempt}: {Failure}")]
    private partial void LogAttemptFailed(int count, int attempt, string failure);
}

/// <summary>What writing one customer's views left out: poison events (with why) and duplicates.</summary>
internal sealed record SubjectWrite(IReadOnlyList<(PreparedEvent Event, Violation Why)> Poison, IReadOnlyList<PreparedEvent> Duplicates);

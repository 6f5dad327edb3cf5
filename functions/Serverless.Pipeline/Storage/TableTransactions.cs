namespace Serverless.Pipeline.Storage;

/// <summary>Table storage's limit on one entity group transaction: every batch of writes is cut to fit it.</summary>
public static class TableTransactions
{
    public const int MaxActions = 100;
}

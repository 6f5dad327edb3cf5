namespace Serverless.Pipeline.Configuration;

/// <summary>
/// A setting the app needs is missing or unusable. Thrown when the client or stage that needs it is first used, never
/// at start-up, so that the host keeps running and says which setting to fix: a missing one is answered 503 naming it
/// (it may be on its way, like a Key Vault reference the platform has not resolved yet), a wrong one 500 naming it.
/// </summary>
public sealed class MisconfigurationException : Exception
{
    public MisconfigurationException()
        : this([], "A setting is missing.")
    {
    }

    public MisconfigurationException(string message)
        : this([], message)
    {
    }

    public MisconfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Settings = [];
    }

    public MisconfigurationException(IReadOnlyList<string> settings, string message)
        : base(message)
    {
        Settings = settings;
    }

    /// <summary>The settings to fix, as they are written where they are set (app settings use <c>__</c>).</summary>
    public IReadOnlyList<string> Settings { get; }

    /// <summary>True when the settings are absent; false when they are there but their values cannot be used.</summary>
    public bool IsMissing { get; init; } = true;
}

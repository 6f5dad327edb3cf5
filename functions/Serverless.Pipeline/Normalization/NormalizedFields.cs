using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Normalization;

/// <summary>What normalization learned about an event: the contact fields it carries, by profile field.</summary>
public sealed class NormalizedFields
{
    public Dictionary<ContactField, string> Contact { get; } = [];
}

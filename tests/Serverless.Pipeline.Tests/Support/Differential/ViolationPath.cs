using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>
/// The violation path format of the compiled schema contract: <c>$.data</c> for the root, then <c>.name</c> per
/// property, <c>[i]</c> per array item; a property name that is not <c>^[A-Za-z_$][A-Za-z0-9_$-]*$</c> (the whole
/// name: a trailing newline does not make a plain name) is written <c>['name']</c> with <c>'</c> and <c>\</c> escaped.
/// </summary>
internal static partial class ViolationPath
{
    public const string Root = "$.data";

    [GeneratedRegex(@"\A[A-Za-z_$][A-Za-z0-9_$-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();

    public static string Property(string parent, string name) =>
        PlainName().IsMatch(name)
            ? parent + "." + name
            : parent + "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";

    public static string Item(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>The path of a location given as property names (strings) and array indexes (ints) from the root.</summary>
    public static string Of(IEnumerable<object> segments)
    {
        var path = Root;
        foreach (var segment in segments)
        {
            path = segment is int index ? Item(path, index) : Property(path, (string)segment);
        }

        return path;
    }
}

/// <summary>One violation as the differential tests compare them: where and which keyword (messages are free).</summary>
internal readonly record struct ViolationKey(string Path, string Keyword) : IComparable<ViolationKey>
{
    public int CompareTo(ViolationKey other)
    {
        var byPath = string.CompareOrdinal(Path, other.Path);
        return byPath != 0 ? byPath : string.CompareOrdinal(Keyword, other.Keyword);
    }

    public override string ToString() => $"({Path}, {Keyword})";
}

using System.Globalization;

namespace Serverless.Pipeline.Events;

/// <summary>
/// The JSON paths violations name: <c>$.data</c> for the data root, <c>.name</c> per property and <c>[i]</c> per array
/// item; a name that is not a plain identifier is written <c>['name']</c>, with quotes and backslashes escaped.
/// </summary>
public static class JsonPathText
{
    public const string DataRoot = "$.data";

    public static string Property(string parent, string name)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(name);
        return IsPlain(name)
            ? string.Concat(parent, ".", name)
            : string.Concat(parent, "['", name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal), "']");
    }

    public static string Item(string parent, int index) => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]");

    private static bool IsPlain(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or '$'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Globalization;
using System.Net.Mime;

namespace Serverless.Pipeline.Events;

/// <summary>What CloudEvents 1.0 allows in attribute names and values, as the JSON format and the CloudEvents SDK read them.</summary>
internal static class CloudEventsText
{
    public static bool IsJsonByCloudEvents(string contentType)
    {
        var mediaType = new ContentType(contentType).MediaType;
        return mediaType.EndsWith("/json", StringComparison.Ordinal) || mediaType.EndsWith("+json", StringComparison.Ordinal);
    }

    public static bool IsMediaType(string value)
    {
        try
        {
            _ = new ContentType(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }
    }

    // CloudEvents 1.0 String: no control characters (U+0000-U+001F, U+007F-U+009F), no noncharacters, no lone surrogates.
    public static string? StringProblem(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c <= '\u001f' || c is >= '\u007f' and <= '\u009f')
            {
                return string.Create(CultureInfo.InvariantCulture, $"Control character U+{(int)c:x4} is not permitted in string attributes");
            }

            if (c >= '\ufffe' || c is >= '\ufdd0' and <= '\ufdef')
            {
                return string.Create(CultureInfo.InvariantCulture, $"Noncharacter U+{(int)c:x4} is not permitted in string attributes");
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if ((char.ConvertToUtf32(c, value[++i]) & 0xfffe) == 0xfffe)
                {
                    return "Noncharacters are not permitted in string attributes";
                }
            }
            else if (char.IsSurrogate(c))
            {
                return "Unpaired surrogate characters are not permitted in string attributes";
            }
        }

        return null;
    }

    public static bool IsAttributeName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        return true;
    }
}

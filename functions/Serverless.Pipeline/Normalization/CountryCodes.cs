using System.Collections.Frozen;

namespace Serverless.Pipeline.Normalization;

/// <summary>ISO 3166-1: maps alpha-2, alpha-3 and English short names to the alpha-2 code.</summary>
public static class CountryCodes
{
    private static readonly FrozenDictionary<string, string> ToAlpha2 = Load();

    public static bool TryNormalize(string value, out string alpha2, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        error = string.Empty;
        if (ToAlpha2.TryGetValue(Key(value), out alpha2!))
        {
            return true;
        }

        alpha2 = string.Empty;
        error = "Not an ISO 3166-1 country code (alpha-2 or alpha-3) or English country name.";
        return false;
    }

    private static string Key(string value) =>
        new(value.Trim().ToUpperInvariant().Where(c => char.IsLetter(c) || c == ' ').ToArray());

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(CountryCodes).Assembly.GetManifestResourceStream("iso3166.csv")
            ?? throw new InvalidOperationException("The embedded ISO 3166 table is missing.");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            var columns = line.Split(',');
            if (columns.Length < 3)
            {
                continue;
            }

            var alpha2 = columns[0];
            map[alpha2] = alpha2;
            map[columns[1]] = alpha2;
            map.TryAdd(Key(columns[2]), alpha2);
            map.TryAdd(Key(columns[2].Replace("&", "and", StringComparison.Ordinal)), alpha2);
        }

        map.TryAdd("UK", "GB");
        map.TryAdd("GREAT BRITAIN", "GB");
        map.TryAdd("USA", "US");
        map.TryAdd("UNITED STATES OF AMERICA", "US");
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

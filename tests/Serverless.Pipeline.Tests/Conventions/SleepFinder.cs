using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Tests.Conventions;

/// <summary>
/// Finds fixed sleeps in C# source: any <c>Thread.Sleep(</c>, and a <c>Task.Delay(</c> whose time is a constant (a
/// number, <c>TimeSpan.FromX(number)</c>, or a const of the same file). A delay until cancellation
/// (<c>Timeout.Infinite</c>) waits on a signal and is not a sleep.
/// </summary>
internal static partial class SleepFinder
{
    public static IEnumerable<string> Find(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var constants = ConstDeclaration().Matches(source).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        foreach (Match sleep in ThreadSleep().Matches(source))
        {
            yield return Describe(source, sleep.Index, sleep.Value);
        }

        foreach (Match delay in TaskDelay().Matches(source))
        {
            var time = FirstArgument(source, delay.Index + delay.Length);
            if (ConstantTime().IsMatch(time) || constants.Contains(time))
            {
                yield return Describe(source, delay.Index, $"Task.Delay({time}");
            }
        }
    }

    private static string FirstArgument(string source, int start)
    {
        var depth = 0;
        for (var i = start; i < source.Length; i++)
        {
            switch (source[i])
            {
                case '(':
                    depth++;
                    break;
                case ')' when depth == 0:
                case ',' when depth == 0:
                    return source[start..i].Trim();
                case ')':
                    depth--;
                    break;
            }
        }

        return source[start..].Trim();
    }

    private static string Describe(string source, int index, string what) =>
        $"line {source.AsSpan(0, index).Count('\n') + 1}: {what}";

    [GeneratedRegex(@"\bThread\.Sleep\s*\(")]
    private static partial Regex ThreadSleep();

    [GeneratedRegex(@"\bTask\.Delay\s*\(")]
    private static partial Regex TaskDelay();

    [GeneratedRegex(@"^(?:[\d_.]+|TimeSpan\.From\w+\(\s*[\d_.]+\s*\))$")]
    private static partial Regex ConstantTime();

    [GeneratedRegex(@"\bconst\s+\w+\s+(?<name>\w+)\s*=")]
    private static partial Regex ConstDeclaration();
}

using System.Diagnostics;

namespace Serverless.Cli.Terminal;

/// <summary>
/// One progress line on stderr, rewritten in place (at most a few times a second) so stdout keeps only results.
/// </summary>
public sealed class ProgressLine<T>(TextWriter error, Func<T, string> describe) : IProgress<T>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceWrite = new();
    private int _width;
    private T? _last;
    private bool _any;

    public void Report(T value)
    {
        lock (_gate)
        {
            _last = value;
            _any = true;
            if (_sinceWrite.IsRunning && _sinceWrite.Elapsed < Interval)
            {
                return;
            }

            Write(value);
        }
    }

    /// <summary>Writes the last value and ends the line.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_any)
            {
                Write(_last!);
                error.WriteLine();
            }
        }
    }

    private void Write(T value)
    {
        var text = describe(value);
        error.Write('\r' + text.PadRight(_width));
        error.Flush();
        _width = text.Length;
        _sinceWrite.Restart();
    }
}

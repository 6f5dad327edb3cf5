using System.Text.Json;

namespace Serverless.Pipeline.Events;

/// <summary>
/// Source, type and tenant repeat from one event to the next: the last text of each is kept per thread and reused when
/// the bytes are the same, instead of a new string per event.
/// </summary>
internal static class RecentStrings
{
    public const int Source = 0;
    public const int Type = 1;
    public const int Tenant = 2;

    [ThreadStatic]
    private static Entry[]? _recent;

    public static string Get(ref Utf8JsonReader reader, int slotIndex)
    {
        if (reader.ValueIsEscaped)
        {
            return reader.GetString()!;
        }

        var recent = _recent ??= new Entry[3];
        ref var slot = ref recent[slotIndex];
        if (slot.Text is not null && reader.ValueSpan.SequenceEqual(slot.Utf8))
        {
            return slot.Text;
        }

        slot = new Entry(reader.ValueSpan.ToArray(), reader.GetString()!);
        return slot.Text;
    }

    private readonly record struct Entry(byte[] Utf8, string Text);
}

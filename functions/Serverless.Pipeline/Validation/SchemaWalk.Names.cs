using System.Text;
using System.Text.Json;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>Property names and paths: repeated names refused, required ones found, paths turned into text for a violation.</summary>
internal ref partial struct SchemaWalk
{
    private NameRef CaptureName(ref Utf8JsonReader reader, int namesStart)
    {
        var name = reader.ValueIsEscaped
            ? new NameRef(0, 0, reader.GetString())
            : new NameRef((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
        for (var i = namesStart; i < _nameCount; i++)
        {
            if (SameName(_names[i], name))
            {
                Push(new PathSegment(-1, name));
                var path = PathText();
                _depth--;
                throw new JsonException($"The data repeats the property name at {path}: a JSON object's names must be unique.");
            }
        }

        if (_nameCount == _names.Length)
        {
            Grow(ref _names);
        }

        _names[_nameCount++] = name;
        _mostNames = Math.Max(_mostNames, _nameCount);
        return name;
    }

    private readonly bool SameName(NameRef a, NameRef b) =>
        a.Text is null && b.Text is null
            ? _data.Slice(a.Start, a.Length).SequenceEqual(_data.Slice(b.Start, b.Length))
            : string.Equals(NameText(a), NameText(b), StringComparison.Ordinal);

    private readonly bool HasName(byte[] utf8, int namesStart)
    {
        for (var i = namesStart; i < _nameCount; i++)
        {
            var name = _names[i];
            if (name.Text is null ? _data.Slice(name.Start, name.Length).SequenceEqual(utf8) : Encoding.UTF8.GetBytes(name.Text).AsSpan().SequenceEqual(utf8))
            {
                return true;
            }
        }

        return false;
    }

    private readonly void WriteName(ref Utf8JsonReader reader, NameRef name)
    {
        if (name.Text is { } text)
        {
            _stored!.WritePropertyName(text);
            _pseudonymized!.WritePropertyName(text);
        }
        else
        {
            _stored!.WritePropertyName(reader.ValueSpan);
            _pseudonymized!.WritePropertyName(reader.ValueSpan);
        }
    }

    private readonly string NameText(NameRef name) => name.Text ?? Encoding.UTF8.GetString(_data.Slice(name.Start, name.Length));

    private void Push(PathSegment segment)
    {
        if (_depth == _path.Length)
        {
            Grow(ref _path);
        }

        _path[_depth++] = segment;
    }

    private void Add(string keyword, string message)
    {
        if (_violations.Count >= MaxViolations)
        {
            return;
        }

        _violations.Add(new Violation(PathText(), keyword, message));
    }

    private readonly string PathText()
    {
        var path = JsonPathText.DataRoot;
        for (var i = 0; i < _depth; i++)
        {
            var segment = _path[i];
            path = segment.Index >= 0 ? JsonPathText.Item(path, segment.Index) : JsonPathText.Property(path, NameText(segment.Name));
        }

        return path;
    }

    private static void Grow<T>(ref T[] array) => Array.Resize(ref array, array.Length * 2);

    /// <summary>A property name in the data: its offset and length when unescaped, its text when escaped (or not from the data).</summary>
    private readonly record struct NameRef(int Start, int Length, string? Text);

    /// <summary>One step of the path: an array index, or (index -1) a property name.</summary>
    private readonly record struct PathSegment(int Index, NameRef Name);
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.Pipeline.Validation;

/// <summary>A SchemaVer version, MODEL-REVISION-ADDITION (for example <c>1-0-2</c>).</summary>
public readonly record struct SchemaVersion(int Model, int Revision, int Addition) : IComparable<SchemaVersion>
{
    public int CompareTo(SchemaVersion other)
    {
        var byModel = Model.CompareTo(other.Model);
        if (byModel != 0)
        {
            return byModel;
        }

        var byRevision = Revision.CompareTo(other.Revision);
        return byRevision != 0 ? byRevision : Addition.CompareTo(other.Addition);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Model}-{Revision}-{Addition}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out SchemaVersion? version)
    {
        version = null;
        var parts = text?.Split('-');
        if (parts is not { Length: 3 })
        {
            return false;
        }

        if (TryPart(parts[0], out var model) && model >= 1 && TryPart(parts[1], out var revision) && TryPart(parts[2], out var addition))
        {
            version = new SchemaVersion(model, revision, addition);
            return true;
        }

        return false;
    }

    private static bool TryPart(string part, out int value) =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value) && part.Length <= 6;

    public static bool operator <(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) < 0;
    public static bool operator >(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) > 0;
    public static bool operator <=(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) <= 0;
    public static bool operator >=(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) >= 0;
}

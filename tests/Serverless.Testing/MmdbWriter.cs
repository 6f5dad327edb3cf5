using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Testing;

/// <summary>
/// Writes a small MaxMind DB (.mmdb) file, following the MaxMind DB format specification 2.0, so that tests exercise
/// the real reader without a downloaded database: an IPv6 binary search tree with 24-bit records (IPv4 networks sit
/// under <c>::/96</c>, where readers look them up), the data section, then the metadata map after its marker.
/// Networks must not overlap.
/// </summary>
public sealed class MmdbWriter
{
    private const int RecordBits = 24;
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];
    private readonly Node _root = new();
    private readonly List<IReadOnlyDictionary<string, object>> _records = [];

    /// <summary>Adds a network (<c>81.2.69.0/24</c>, <c>2a02:8070::/32</c>) with its record.</summary>
    public MmdbWriter Add(string cidr, IReadOnlyDictionary<string, object> record)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(cidr[..slash]);
        var prefix = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = new byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.GetAddressBytes().CopyTo(bytes, 12);
            prefix += 96;
        }
        else
        {
            address.GetAddressBytes().CopyTo(bytes, 0);
        }

        _records.Add(record);
        var node = _root;
        for (var bit = 0; bit < prefix; bit++)
        {
            var right = (bytes[bit / 8] & (0x80 >> (bit % 8))) != 0;
            if (bit == prefix - 1)
            {
                node.Set(right, new DataRef(_records.Count - 1));
            }
            else
            {
                node = node.Child(right);
            }
        }

        return this;
    }

    /// <summary>A GeoIP2 City record: country by ISO code and English name, and the city's English name.</summary>
    public static IReadOnlyDictionary<string, object> City(string isoCode, string country, string city) => new Dictionary<string, object>
    {
        ["city"] = new Dictionary<string, object> { ["names"] = new Dictionary<string, object> { ["en"] = city } },
        ["country"] = new Dictionary<string, object>
        {
            ["iso_code"] = isoCode,
            ["names"] = new Dictionary<string, object> { ["en"] = country },
        },
    };

    public byte[] Build(string databaseType = "GeoIP2-City")
    {
        var nodes = new List<Node>();
        Number(_root, nodes);
        var data = new MemoryStream();
        var offsets = _records.Select(record =>
        {
            var offset = (int)data.Length;
            Encode(data, record);
            return offset;
        }).ToList();

        var file = new MemoryStream();
        foreach (var node in nodes)
        {
            WriteRecord(file, Value(node.Left, nodes.Count, offsets));
            WriteRecord(file, Value(node.Right, nodes.Count, offsets));
        }

        file.Write(new byte[16]); // The data section separator.
        data.WriteTo(file);
        file.Write(MetadataMarker);
        Encode(file, new Dictionary<string, object>
        {
            ["node_count"] = (uint)nodes.Count,
            ["record_size"] = (ushort)RecordBits,
            ["ip_version"] = (ushort)6,
            ["database_type"] = databaseType,
            ["languages"] = new object[] { "en" },
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = (ulong)1_767_225_600,
            ["description"] = new Dictionary<string, object> { ["en"] = "Test database written by Serverless.Testing" },
        });
        return file.ToArray();
    }

    // Node numbers in breadth-first order; the root is node 0.
    private static void Number(Node root, List<Node> nodes)
    {
        var queue = new Queue<Node>([root]);
        while (queue.TryDequeue(out var node))
        {
            node.Number = nodes.Count;
            nodes.Add(node);
            foreach (var child in new[] { node.Left, node.Right }.OfType<Node>())
            {
                queue.Enqueue(child);
            }
        }
    }

    // A record points at a node (its number), at nothing (the node count) or at data (node count + 16 + offset).
    private static int Value(object? child, int nodeCount, List<int> offsets) => child switch
    {
        Node node => node.Number,
        DataRef data => nodeCount + 16 + offsets[data.Index],
        _ => nodeCount,
    };

    private static void WriteRecord(Stream stream, int value)
    {
        stream.WriteByte((byte)(value >> 16));
        stream.WriteByte((byte)(value >> 8));
        stream.WriteByte((byte)value);
    }

    private static void Encode(Stream stream, object value)
    {
        switch (value)
        {
            case string text:
                var utf8 = Encoding.UTF8.GetBytes(text);
                Control(stream, 2, utf8.Length);
                stream.Write(utf8);
                break;
            case ushort u16:
                Unsigned(stream, 5, u16);
                break;
            case uint u32:
                Unsigned(stream, 6, u32);
                break;
            case ulong u64:
                Unsigned(stream, 9, u64);
                break;
            case IReadOnlyDictionary<string, object> map:
                Control(stream, 7, map.Count);
                foreach (var (key, item) in map)
                {
                    Encode(stream, key);
                    Encode(stream, item);
                }

                break;
            case object[] array:
                Control(stream, 11, array.Length);
                foreach (var item in array)
                {
                    Encode(stream, item);
                }

                break;
            default:
                throw new NotSupportedException($"The test writer does not encode {value.GetType().Name}.");
        }
    }

    // Unsigned integers are big-endian with leading zero bytes left out; the size is the byte count.
    private static void Unsigned(Stream stream, int type, ulong value)
    {
        var bytes = new List<byte>();
        for (var v = value; v > 0; v >>= 8)
        {
            bytes.Insert(0, (byte)v);
        }

        Control(stream, type, bytes.Count);
        stream.Write(bytes.ToArray());
    }

    // The control byte: type in the top three bits (0 means "extended": the type less 7 follows in the next byte),
    // size in the low five, with sizes from 29 up carried in one to three following bytes.
    private static void Control(Stream stream, int type, int size)
    {
        var typeBits = type <= 7 ? type << 5 : 0;
        var sizeBits = size < 29 ? size : size < 285 ? 29 : size < 65_821 ? 30 : 31;
        stream.WriteByte((byte)(typeBits | sizeBits));
        if (type > 7)
        {
            stream.WriteByte((byte)(type - 7));
        }

        switch (sizeBits)
        {
            case 29:
                stream.WriteByte((byte)(size - 29));
                break;
            case 30:
                stream.WriteByte((byte)((size - 285) >> 8));
                stream.WriteByte((byte)(size - 285));
                break;
            case 31:
                stream.WriteByte((byte)((size - 65_821) >> 16));
                stream.WriteByte((byte)((size - 65_821) >> 8));
                stream.WriteByte((byte)(size - 65_821));
                break;
        }
    }

    private sealed class Node
    {
        public object? Left { get; private set; }
        public object? Right { get; private set; }
        public int Number { get; set; }

        public Node Child(bool right)
        {
            var existing = right ? Right : Left;
            if (existing is DataRef)
            {
                throw new InvalidOperationException("Networks overlap.");
            }

            if (existing is Node node)
            {
                return node;
            }

            var created = new Node();
            Set(right, created);
            return created;
        }

        public void Set(bool right, object child)
        {
            if ((right ? Right : Left) is not null && child is DataRef)
            {
                throw new InvalidOperationException("Networks overlap.");
            }

            if (right)
            {
                Right = child;
            }
            else
            {
                Left = child;
            }
        }
    }

    private sealed record DataRef(int Index);
}

using System.Buffers.Binary;
using System.Text;

namespace VllmAspire.Testing.Fakes.Otlp;

/// <summary>
/// Reads protobuf's wire format (varints, 64- and 32-bit fixed values, length-delimited fields), enough to decode
/// OTLP messages by field number without generated code.
/// </summary>
/// <param name="data">The message's bytes.</param>
internal sealed class ProtobufReader(ReadOnlyMemory<byte> data)
{
    private int _position;

    /// <summary>Gets a value indicating whether the whole message was read.</summary>
    public bool AtEnd => _position >= data.Length;

    /// <summary>Reads the next field's number and wire type.</summary>
    /// <returns>The field number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).</returns>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    /// <summary>Reads a varint.</summary>
    /// <returns>The value.</returns>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data.Span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("A varint is longer than 10 bytes.");
    }

    /// <summary>Reads a 64-bit little-endian value.</summary>
    /// <returns>The value.</returns>
    public ulong ReadFixed64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(data.Span[_position..]);
        _position += 8;
        return value;
    }

    /// <summary>Reads a length-delimited field's bytes.</summary>
    /// <returns>The bytes.</returns>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = (int)ReadVarint();
        var bytes = data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    /// <summary>Reads a length-delimited field as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    /// <summary>Skips a field's value.</summary>
    /// <param name="wireType">The field's wire type.</param>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                _position += 8;
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                _position += 4;
                break;
            default:
                throw new FormatException($"Wire type {wireType} is not used by OTLP.");
        }
    }
}

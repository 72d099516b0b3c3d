using System.Buffers;

namespace SafeOpenAI;

/// <summary>A growable character buffer rented from <see cref="ArrayPool{T}"/>; dispose to return it. Not thread-safe.</summary>
internal struct CharBuffer : IDisposable
{
    private char[] _array;

    public CharBuffer(int capacity)
    {
        _array = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 16));
        Length = 0;
    }

    public int Length { get; set; }

    public readonly Span<char> Written => _array.AsSpan(0, Length);

    public char this[int index]
    {
        readonly get => _array[index];
        set => _array[index] = value;
    }

    public void Append(char c)
    {
        if (Length == _array.Length)
        {
            Grow(1);
        }

        _array[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _array.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_array.AsSpan(Length));
        Length += text.Length;
    }

    public override readonly string ToString() => new(_array, 0, Length);

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_array.Length * 2, Length + needed));
        _array.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_array);
        _array = bigger;
    }
}

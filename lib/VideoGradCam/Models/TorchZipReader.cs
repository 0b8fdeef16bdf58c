using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>
/// Reads what <c>torch.save</c> writes: a zip archive holding <c>&lt;name&gt;/data.pkl</c> (a pickle) and
/// <c>&lt;name&gt;/data/&lt;key&gt;</c> (each storage's raw little-endian bytes). It understands the pickle
/// instructions of protocols 2 to 5 and only the globals a state_dict needs (OrderedDict, the tensor rebuilders, the
/// typed storages): any other global is refused before anything is called, so reading never runs code. A tensor may be
/// any view of its storage (an offset, any strides, a storage shared with other tensors); each comes out as its own
/// contiguous copy, with the storage's dtype. Dicts come out as <see cref="Dictionary{TKey,TValue}"/>, tuples as
/// arrays, lists as lists. Failures are <see cref="InvalidDataException"/>s; for a global that is not allowed, the
/// message starts with "refused:".
/// </summary>
public static class TorchZipReader
{
    /// <summary>The unpickled root object; the caller disposes every tensor in it.</summary>
    public static object? Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)
                                                     && !e.FullName.Contains("/data/", StringComparison.Ordinal))
            ?? throw new InvalidDataException("the archive holds no data.pkl");
        var prefix = pickle.FullName[..^"data.pkl".Length];
        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            return new Machine(ReadAll(pickle), pid => Storage(zip, prefix, pid, storages)).Run();
        }
        finally
        {
            foreach (var s in storages.Values) s.Dispose();
        }
    }

    static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>A global the pickle names (module and name).</summary>
    sealed record Global(string Module, string Name);

    /// <summary>A storage's dtype by its typed-storage class name (<c>torch.FloatStorage</c>, ...).</summary>
    static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32, ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16, ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64, ["IntStorage"] = ScalarType.Int32, ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8, ["ByteStorage"] = ScalarType.Byte, ["BoolStorage"] = ScalarType.Bool,
    };

    /// <summary>The globals a state_dict needs; every other is refused.</summary>
    static bool Allowed(Global g) => g.Module switch
    {
        "collections" => g.Name == "OrderedDict",
        "torch._utils" => g.Name is "_rebuild_tensor_v2" or "_rebuild_tensor" or "_rebuild_parameter",
        "torch" => StorageTypes.ContainsKey(g.Name),
        _ => false,
    };

    /// <summary>The storage a persistent id names: ('storage', storage type, key, location, element count), one
    /// 1-D tensor per key, read once.</summary>
    static Tensor Storage(ZipArchive zip, string prefix, object? pid, Dictionary<string, Tensor> storages)
    {
        if (pid is not object?[] { Length: >= 5 } t || t[0] as string != "storage" || t[1] is not Global type
            || t[2] is not string key || t[4] is not long count)
            throw new InvalidDataException("a persistent id that is not a storage");
        if (storages.TryGetValue(key, out var known)) return known;
        var entry = zip.GetEntry($"{prefix}data/{key}")
            ?? throw new InvalidDataException($"storage '{key}' is missing");
        var bytes = ReadAll(entry);
        var storage = empty(count, StorageTypes[type.Name]);
        long size = count * storage.ElementSize;
        if (bytes.Length < size)
        {
            storage.Dispose();
            throw new InvalidDataException(
                $"storage '{key}' holds {bytes.Length} bytes, not the {size} of its {count} elements");
        }
        storage.bytes = bytes.Length == size ? bytes : bytes[..(int)size];
        storages[key] = storage;
        return storage;
    }

    /// <summary>A global called with its arguments (REDUCE, NEWOBJ).</summary>
    static object? Call(Global g, object?[] args) => g switch
    {
        { Module: "collections" } => new Dictionary<object, object?>(),
        { Name: "_rebuild_parameter" } => args[0],
        _ => Rebuild(args),
    };

    /// <summary>_rebuild_tensor(_v2)(storage, storage_offset, size, stride, ...): a contiguous copy of the view.
    /// </summary>
    static Tensor Rebuild(object?[] args)
    {
        if (args.Length < 4 || args[0] is not Tensor storage || args[1] is not long offset
            || args[2] is not object?[] sizeItems || args[3] is not object?[] strideItems)
            throw new InvalidDataException("a tensor whose storage, offset, size or stride is missing");
        var size = Numbers(sizeItems, "size");
        var stride = Numbers(strideItems, "stride");
        if (size.Length != stride.Length)
            throw new InvalidDataException($"a tensor with {size.Length} sizes but {stride.Length} strides");
        bool none = size.Any(s => s == 0);
        long last = offset + size.Zip(stride, (s, d) => (s - 1) * d).Sum();
        if (size.Any(s => s < 0) || stride.Any(d => d < 0) || offset < 0 || !none && last >= storage.shape[0])
            throw new InvalidDataException($"a tensor (offset {offset}, size [{string.Join(",", size)}], " +
                $"stride [{string.Join(",", stride)}]) that reaches beyond its storage of {storage.shape[0]} elements");
        if (none) return zeros(size, storage.dtype);
        using var view = storage.as_strided(size, stride, offset);
        return empty(size, storage.dtype).copy_(view);
    }

    static long[] Numbers(object?[] items, string what) =>
        items.Select(x => x as long? ?? throw new InvalidDataException($"a tensor {what} that is not a number"))
            .ToArray();

    /// <summary>The pickle virtual machine: a stack, marks and a memo.</summary>
    sealed class Machine(byte[] code, Func<object?, Tensor> persistentLoad)
    {
        readonly List<object?> _stack = [];
        readonly Stack<int> _marks = new();
        readonly Dictionary<long, object?> _memo = [];
        int _at;

        public object? Run()
        {
            while (true)
            {
                byte op = Byte();
                switch (op)
                {
                    case 0x80: Byte(); break;                                                  // PROTO
                    case 0x95: Bytes(8); break;                                                // FRAME
                    case (byte)'.': return Pop();                                              // STOP
                    case (byte)'(': _marks.Push(_stack.Count); break;                          // MARK
                    case (byte)'0': Pop(); break;                                              // POP
                    case (byte)'1': PopMark(); break;                                          // POP_MARK
                    case (byte)'2': Push(_stack[^1]); break;                                   // DUP
                    case (byte)'N': Push(null); break;                                         // NONE
                    case 0x88: Push(true); break;                                              // NEWTRUE
                    case 0x89: Push(false); break;                                             // NEWFALSE
                    case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;   // BININT
                    case (byte)'K': Push((long)Byte()); break;                                 // BININT1
                    case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;  // BININT2
                    case 0x8a: Push(Long(Byte())); break;                                      // LONG1
                    case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break;           // BINFLOAT
                    case (byte)'X': Push(Encoding.UTF8.GetString(Bytes(Length(4)))); break;    // BINUNICODE
                    case 0x8c: Push(Encoding.UTF8.GetString(Bytes(Byte()))); break;            // SHORT_BINUNICODE
                    case 0x8d: Push(Encoding.UTF8.GetString(Bytes(Length(8)))); break;         // BINUNICODE8
                    case (byte)'U': Push(Encoding.Latin1.GetString(Bytes(Byte()))); break;     // SHORT_BINSTRING
                    case (byte)'T': Push(Encoding.Latin1.GetString(Bytes(Length(4)))); break;  // BINSTRING
                    case (byte)'C': Push(Bytes(Byte())); break;                                // SHORT_BINBYTES
                    case (byte)'B': Push(Bytes(Length(4))); break;                             // BINBYTES
                    case (byte)')': Push(Array.Empty<object?>()); break;                       // EMPTY_TUPLE
                    case 0x85: Push(Take(1)); break;                                           // TUPLE1
                    case 0x86: Push(Take(2)); break;                                           // TUPLE2
                    case 0x87: Push(Take(3)); break;                                           // TUPLE3
                    case (byte)'t': Push(PopMark()); break;                                    // TUPLE
                    case (byte)']': Push(new List<object?>()); break;                          // EMPTY_LIST
                    case (byte)'l': Push(PopMark().ToList()); break;                           // LIST
                    case (byte)'a': Top<List<object?>>(1).Add(Pop()); break;                   // APPEND
                    case (byte)'e': Appends(); break;                                          // APPENDS
                    case (byte)'}': Push(new Dictionary<object, object?>()); break;            // EMPTY_DICT
                    case (byte)'d': Push(Dict(PopMark())); break;                              // DICT
                    case (byte)'s': SetItems(Take(2)); break;                                  // SETITEM
                    case (byte)'u': SetItems(PopMark()); break;                                // SETITEMS
                    case (byte)'c': Push(Named(Line(), Line())); break;                        // GLOBAL
                    case 0x93: Push(Named(Take(2))); break;                                    // STACK_GLOBAL
                    case (byte)'R':                                                            // REDUCE
                    case 0x81: Push(Called(Take(2))); break;                                   // NEWOBJ
                    case (byte)'b': Pop(); break;                      // BUILD: an OrderedDict's _metadata, not needed
                    case (byte)'Q': Push(persistentLoad(Pop())); break;                        // BINPERSID
                    case (byte)'q': _memo[Byte()] = _stack[^1]; break;                         // BINPUT
                    case (byte)'r': _memo[Length(4)] = _stack[^1]; break;                      // LONG_BINPUT
                    case 0x94: _memo[_memo.Count] = _stack[^1]; break;                         // MEMOIZE
                    case (byte)'h': Push(Memo(Byte())); break;                                 // BINGET
                    case (byte)'j': Push(Memo(Length(4))); break;                              // LONG_BINGET
                    default: throw new InvalidDataException(
                        $"pickle instruction 0x{op:x2} at byte {_at - 1} is not one a state_dict uses");
                }
            }
        }

        static Global Named(string module, string name)
        {
            var g = new Global(module, name);
            if (!Allowed(g))
                throw new InvalidDataException(
                    $"refused: the file asks to run code when it is read ({module}.{name}); only plain state_dicts " +
                    "(tensors by name, as torch.save(model.state_dict(), path) writes) are loaded.");
            return g;
        }

        /// <summary>STACK_GLOBAL's module and name.</summary>
        static Global Named(object?[] moduleAndName) =>
            moduleAndName is [string module, string name] ? Named(module, name)
                : throw new InvalidDataException("a global whose module or name is not a string");

        /// <summary>REDUCE's and NEWOBJ's global and arguments.</summary>
        static object? Called(object?[] globalAndArgs) =>
            globalAndArgs is [Global g, object?[] args] ? Call(g, args)
                : throw new InvalidDataException("a call of something that is not an allowed global");

        static Dictionary<object, object?> Dict(object?[] items)
        {
            var d = new Dictionary<object, object?>();
            for (int i = 0; i + 1 < items.Length; i += 2)
                d[items[i] ?? throw new InvalidDataException("a dict key that is None")] = items[i + 1];
            return d;
        }

        void SetItems(object?[] items)
        {
            var d = Top<Dictionary<object, object?>>(1);
            foreach (var (k, v) in Dict(items)) d[k] = v;
        }

        void Appends()
        {
            var items = PopMark();
            Top<List<object?>>(1).AddRange(items);
        }

        object? Memo(long index) =>
            _memo.TryGetValue(index, out var v) ? v : throw new InvalidDataException($"memo entry {index} is missing");

        void Push(object? value) => _stack.Add(value);

        object? Pop()
        {
            if (_stack.Count == 0) throw new InvalidDataException("the pickle pops an empty stack");
            var v = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return v;
        }

        T Top<T>(int depth) => _stack.Count >= depth && _stack[^depth] is T t ? t
            : throw new InvalidDataException($"the pickle adds items to something that is not a {typeof(T).Name}");

        object?[] Take(int n)
        {
            if (_stack.Count < n) throw new InvalidDataException("the pickle pops an empty stack");
            var items = _stack.GetRange(_stack.Count - n, n).ToArray();
            _stack.RemoveRange(_stack.Count - n, n);
            return items;
        }

        object?[] PopMark()
        {
            if (_marks.Count == 0) throw new InvalidDataException("the pickle closes a mark it never opened");
            return Take(_stack.Count - _marks.Pop());
        }

        byte Byte() => Bytes(1)[0];

        byte[] Bytes(long n)
        {
            if (n < 0 || _at + n > code.Length) throw new InvalidDataException("the pickle ends early");
            var b = code[_at..(int)(_at + n)];
            _at += (int)n;
            return b;
        }

        long Length(int width) => width == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))
            : BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        long Long(int n)
        {
            if (n > 8) throw new InvalidDataException($"an integer of {n} bytes");
            var b = Bytes(n);
            long v = 0;
            for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[i];
            return n is > 0 and < 8 && (b[n - 1] & 0x80) != 0 ? v - (1L << (8 * n)) : v;   // two's complement
        }

        string Line()
        {
            int end = Array.IndexOf(code, (byte)'\n', _at);
            if (end < 0) throw new InvalidDataException("the pickle ends early");
            var s = Encoding.ASCII.GetString(code, _at, end - _at);
            _at = end + 1;
            return s;
        }
    }
}

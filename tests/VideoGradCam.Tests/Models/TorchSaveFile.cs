using System.IO.Compression;
using System.Text;

namespace VideoGradCam.Tests.Models;

/// <summary>
/// Writes a file as torch.save does (a zip with <c>archive/data.pkl</c>, a protocol-2 pickle of an OrderedDict of
/// <c>torch._utils._rebuild_tensor_v2</c> calls, and <c>archive/data/&lt;key&gt;</c>, each storage's raw little-endian
/// bytes), with any offset and strides: the views torch.save keeps as they are (a transposed tensor, slices of one
/// storage).
/// </summary>
static class TorchSaveFile
{
    /// <summary>One storage: its key in the archive, its torch storage type (e.g. FloatStorage), raw bytes.</summary>
    public sealed record Storage(string Key, string Type, int Count, byte[] Bytes);

    /// <summary>One state_dict entry: a view of <paramref name="Storage"/>.</summary>
    public sealed record Entry(string Name, Storage Storage, int Offset, int[] Size, int[] Stride);

    public static Storage Floats(string key, params float[] values) =>
        new(key, "FloatStorage", values.Length, values.SelectMany(BitConverter.GetBytes).ToArray());

    public static Storage Halves(string key, params float[] values) =>
        new(key, "HalfStorage", values.Length, values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray());

    public static void Write(string path, params Entry[] entries)
    {
        var p = new List<byte> { 0x80, 0x02 };
        p.AddRange(Global("collections", "OrderedDict"));
        p.AddRange([(byte)')', (byte)'R', (byte)'(']);                  // OrderedDict(), MARK
        foreach (var e in entries)
        {
            p.AddRange(Text(e.Name));
            p.AddRange(Global("torch._utils", "_rebuild_tensor_v2"));
            p.Add((byte)'(');                                             // MARK: the call's arguments
            p.Add((byte)'(');                                             // MARK: the persistent id
            p.AddRange(Text("storage"));
            p.AddRange(Global("torch", e.Storage.Type));
            p.AddRange(Text(e.Storage.Key));
            p.AddRange(Text("cpu"));
            p.AddRange(Int(e.Storage.Count));
            p.AddRange([(byte)'t', (byte)'Q']);                           // TUPLE, BINPERSID
            p.AddRange(Int(e.Offset));
            p.AddRange(Tuple(e.Size));
            p.AddRange(Tuple(e.Stride));
            p.Add(0x89);                                                  // requires_grad False
            p.AddRange(Global("collections", "OrderedDict"));
            p.AddRange([(byte)')', (byte)'R']);                           // backward_hooks: OrderedDict()
            p.AddRange([(byte)'t', (byte)'R']);                           // TUPLE, REDUCE
        }
        p.AddRange([(byte)'u', (byte)'.']);                               // SETITEMS, STOP
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, "archive/data.pkl", p.ToArray());
        foreach (var s in entries.Select(e => e.Storage).DistinctBy(s => s.Key))
            Add(zip, $"archive/data/{s.Key}", s.Bytes);
        Add(zip, "archive/version", "3\n"u8.ToArray());
    }

    static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }

    static byte[] Global(string module, string name) => [(byte)'c', .. Encoding.ASCII.GetBytes($"{module}\n{name}\n")];

    static byte[] Text(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return [(byte)'X', .. BitConverter.GetBytes(b.Length), .. b];
    }

    static byte[] Int(int v) => [(byte)'J', .. BitConverter.GetBytes(v)];

    static byte[] Tuple(int[] values) => [(byte)'(', .. values.SelectMany(Int), (byte)'t'];
}

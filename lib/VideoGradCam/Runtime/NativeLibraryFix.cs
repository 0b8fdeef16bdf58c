using System.Text;

namespace VideoGradCam.Runtime;

/// <summary>
/// TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (GCC 13's libstdc++) for a single symbol,
/// <c>std::ios_base_library_init()</c>, a link-time marker that is never called. Debian 12 ships GLIBCXX_3.4.30,
/// so the loader refuses the library. The fix marks that version requirement weak (VER_FLG_WEAK in
/// <c>.gnu.version_r</c>) and makes the symbols tied to it unversioned (index 1 in <c>.gnu.version</c>).
/// The loader then accepts the library. Idempotent; applied only when the system libstdc++ lacks the version.
/// </summary>
public static class NativeLibraryFix
{
    public const string MissingVersion = "GLIBCXX_3.4.32";
    const ushort VerFlagWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const uint ShtGnuVersym = 0x6fffffff;

    public enum Outcome { Patched, AlreadyPatched, NotNeeded }

    /// <summary>True when the file still carries a strong requirement on <see cref="MissingVersion"/>.</summary>
    public static bool NeedsPatch(string soPath) => Inspect(File.ReadAllBytes(soPath), soPath, apply: false);

    /// <summary>Patch <paramref name="soPath"/> in place (through a temp file and a rename).</summary>
    public static Outcome Apply(string soPath)
    {
        var bytes = File.ReadAllBytes(soPath);
        if (!Inspect(bytes, soPath, apply: true)) return Outcome.AlreadyPatched;
        var tmp = soPath + ".patching";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, soPath, overwrite: true);
        return Outcome.Patched;
    }

    /// <summary>Does the system's libstdc++ provide <see cref="MissingVersion"/>? (then nothing needs
    /// patching)</summary>
    public static bool SystemLibStdCxxHasVersion()
    {
        foreach (var path in LibStdCxxCandidates())
            if (File.Exists(path) && ContainsAscii(File.ReadAllBytes(path), MissingVersion)) return true;
        return false;
    }

    static IEnumerable<string> LibStdCxxCandidates() => new[]
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    };

    /// <summary>Every copy of libLibTorchSharp.so the workspace may load: the NuGet cache and the build
    /// output.</summary>
    public static IEnumerable<string> FindCopies(string nugetPackages, string buildOutput)
    {
        var cached = Path.Combine(nugetPackages, "torchsharp");
        foreach (var root in new[] { cached, buildOutput })
        {
            if (!Directory.Exists(root)) continue;
            foreach (var f in Directory.EnumerateFiles(root, "libLibTorchSharp.so", SearchOption.AllDirectories))
                yield return f;
        }
    }

    public static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    // Walks the ELF64 section headers; returns true if a strong requirement was found (and, if apply, removed).
    static bool Inspect(byte[] b, string path, bool apply)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException($"{path}: not an ELF file.");
        if (b[4] != 2 || b[5] != 1)
            throw new InvalidDataException($"{path}: only 64-bit little-endian ELF files are supported.");
        ulong shoff = BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);

        (uint type, ulong offset, ulong size, uint link) Section(int i)
        {
            int o = checked((int)shoff + i * shentsize);
            return (BitConverter.ToUInt32(b, o + 4), BitConverter.ToUInt64(b, o + 0x18),
                    BitConverter.ToUInt64(b, o + 0x20), BitConverter.ToUInt32(b, o + 0x28));
        }

        int verneed = -1, versym = -1;
        for (int i = 0; i < shnum; i++)
        {
            var t = Section(i).type;
            if (t == ShtGnuVerneed) verneed = i;
            else if (t == ShtGnuVersym) versym = i;
        }
        if (verneed < 0 || versym < 0) return false;

        var need = Section(verneed);
        var strtab = Section((int)need.link);
        string Str(uint off)
        {
            int s = checked((int)(strtab.offset + off)), e = s;
            while (b[e] != 0) e++;
            return Encoding.ASCII.GetString(b, s, e - s);
        }

        var indices = new List<ushort>();
        bool strong = false;
        int entry = (int)need.offset;
        while (true)
        {
            int cnt = BitConverter.ToUInt16(b, entry + 2);
            uint aux = BitConverter.ToUInt32(b, entry + 8), next = BitConverter.ToUInt32(b, entry + 12);
            int a = entry + (int)aux;
            for (int k = 0; k < cnt; k++)
            {
                ushort flags = BitConverter.ToUInt16(b, a + 4), other = BitConverter.ToUInt16(b, a + 6);
                if (Str(BitConverter.ToUInt32(b, a + 8)) == MissingVersion)
                {
                    indices.Add(other);
                    if ((flags & VerFlagWeak) == 0) strong = true;
                    if (apply) BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(b, a + 4);
                }
                a += (int)BitConverter.ToUInt32(b, a + 12);
            }
            if (next == 0) break;
            entry += (int)next;
        }

        var sym = Section(versym);
        bool versioned = false;
        for (ulong o = sym.offset; o < sym.offset + sym.size; o += 2)
        {
            ushort v = (ushort)(BitConverter.ToUInt16(b, (int)o) & 0x7fff);
            if (!indices.Contains(v)) continue;
            versioned = true;
            if (apply) BitConverter.GetBytes((ushort)1).CopyTo(b, (int)o);
        }
        return strong || versioned;
    }

    static bool ContainsAscii(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;
}

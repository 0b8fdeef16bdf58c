using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Architecture;

/// <summary>Every line of every .cs file under lib/ and tests/ fits in 120 characters (see .editorconfig).</summary>
public class LineWidthTests
{
    const int MaxWidth = 120;

    static string Root => WorkspacePaths.Root(AppContext.BaseDirectory);

    static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
            .Any(part => part is "bin" or "obj" or ".build");

    [Fact]
    public void NoLineOfTheCodeIsWiderThan120Characters()
    {
        var wide = new List<string>();
        foreach (var folder in new[] { "lib", "tests" })
        {
            var dir = Path.Combine(Root, folder);
            Assert.True(Directory.Exists(dir), $"{dir} is missing");
            var files = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(Path.GetRelativePath(Root, f)))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                    if (lines[i].Length > MaxWidth)
                        wide.Add($"{Path.GetRelativePath(Root, file)}:{i + 1} ({lines[i].Length} characters)");
            }
        }
        Assert.True(wide.Count == 0,
            $"{wide.Count} lines are wider than {MaxWidth} characters; the first ones:\n"
            + string.Join('\n', wide.Take(20)));
    }
}

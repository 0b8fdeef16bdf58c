using System.Diagnostics;
using System.IO.Compression;
using VideoGradCam.Models;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Study;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Commands;

/// <summary>The inputs a mistake is made with, made once: a small action set, a classifier checkpoint, an SfMLearner
/// checkpoint with its data, broken copies of both, weight files of every kind a user may bring.</summary>
public sealed class MistakeFixture : IDisposable
{
    public string Root { get; } = TestTemp.Dir("mistakes");
    public IReadOnlyDictionary<string, string> Paths { get; }

    public MistakeFixture()
    {
        string P(string name) => Path.Combine(Root, name);
        SyntheticActions.Generate(P("data"),
            new SyntheticActionSettings { Classes = ["clap", "wave"], ClipsPerClass = 2, Frames = 4, Size = 32 });
        var video = Directory.GetFiles(P("data/clap"), "*.avi").Order().First();
        var loose =
            Video.TestVideos.Numbered(Directory.CreateDirectory(P("loose")).FullName, frames: 6, name: "mine.avi");

        using (var model = VideoModels.Create(new VideoModelConfig(ModelRegistry.CnnLstm.Name, 2, 8)))
        {
            StateDictLoader.Save(model, P("cnn.pth"));
            PretrainedWeights.Import(ModelRegistry.CnnLstm.Name, P("cnn.pth"), P("ckpt"), ["clap", "wave"],
                DataSpec.ImageNet(4, 32, 32), width: 8);
        }
        CopyFolder(P("ckpt"), P("corrupt-ckpt"));
        var weights = Path.Combine(P("corrupt-ckpt"), Checkpoint.BestWeights);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..(int)(new FileInfo(weights).Length / 2)]);

        SyntheticOdometry.Write(P("odometry"), new SyntheticOdometry.Options(1, 6, Width: 64, Height: 24, Seed: 3));
        using (var sfm = new SfmLearner(new SfmSettings(3, 64, 24))) sfm.Save(P("model.sfm"));
        File.WriteAllBytes(P("truncated.sfm"),
            File.ReadAllBytes(P("model.sfm"))[..(int)(new FileInfo(P("model.sfm")).Length * 2 / 3)]);

        Directory.CreateDirectory(P("empty"));
        Directory.CreateDirectory(P("novideos/clap"));
        File.WriteAllText(P("novideos/clap/readme.txt"), "no videos here");
        File.WriteAllText(P("a-file"), "a file, not a folder");

        File.WriteAllBytes(P("empty.pth"), []);
        File.WriteAllText(P("text.pth"), "<html>404 not found</html>");
        File.WriteAllBytes(P("legacy.pth"),
            [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        WriteCodePickle(P("code.pth"));
        using (var resnet = new ResNet18(width: 8)) StateDictLoader.Save(resnet, P("resnet18.pth"));

        Paths = new Dictionary<string, string>
        {
            ["{data}"] = P("data"), ["{video}"] = video, ["{loose}"] = loose, ["{ckpt}"] = P("ckpt"),
                ["{corrupt}"] = P("corrupt-ckpt"),
            ["{odometry}"] = P("odometry"), ["{sfm}"] = P("model.sfm"), ["{truncated-sfm}"] = P("truncated.sfm"),
                ["{empty}"] = P("empty"),
            ["{novideos}"] = P("novideos"), ["{missing}"] = P("missing"), ["{file}"] = P("a-file"),
                ["{empty.pth}"] = P("empty.pth"),
            ["{text.pth}"] = P("text.pth"), ["{legacy.pth}"] = P("legacy.pth"), ["{code.pth}"] = P("code.pth"),
                ["{resnet18.pth}"] = P("resnet18.pth"),
        };
    }

    /// <summary>A torch.save-style zip whose pickle calls <c>posix.system("echo pwned")</c> when read: a loader must
    /// refuse it.</summary>
    static void WriteCodePickle(string path)
    {
        // protocol 2: GLOBAL posix.system, the string argument, TUPLE1, REDUCE, STOP
        byte[] pickle =
            [0x80, 0x02, .."cposix\nsystem\n"u8, (byte)'X', 11, 0, 0, 0, .."echo pwned!"u8, 0x85, (byte)'R', (byte)'.'];
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(pickle);
        using (var s = zip.CreateEntry("archive/version", CompressionLevel.NoCompression).Open()) s.Write("3\n"u8);
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    public void Dispose() { try { Directory.Delete(Root, recursive: true); } catch (IOException) { } }
}

/// <summary>
/// Mistakes a user makes, each a command line with the exit code and the words the one-line answer must hold:
/// 0 for help, 2 for a usage mistake, 1 for a failure. Each runs the real CLI in its own process (so a native abort or
/// an unhandled exception would show), and no row may print a stack trace or leave its output behind.
/// </summary>
public class MistakesTests(MistakeFixture fixture) : IClassFixture<MistakeFixture>
{
    public static TheoryData<string, int, string> Rows => new()
    {
        { "--help", 0, "explain" },
        { "explain --help", 0, "--checkpoint <CKPT>" },
        { "train --help", 0, "[default: classifiers quick 6, full 15; SfMLearner quick 3, full 12]" },
        { "frobnicate", 2, "'frobnicate'" },
        { "train --model cnn-lstm --data {data} --out {out} --epoch 1", 2, "'--epoch'" },
        { "train --model nosuch --data {data} --out {out}", 2, "Unknown model 'nosuch'" },
        { "train --model cnn-lstm --data {data} --epochs -1 --out {out}", 2, "--epochs -1: must be at least 1" },
        { "train --model cnn-lstm --data {data} --epochs 1 --out {out}", 1, "training needs at least 3 per class" },
        { "train --model cnn-lstm --data {missing} --out {out}", 1, "no such data folder" },
        { "train --model cnn-lstm --data {empty} --out {out}", 1, "no class folders" },
        { "explain --checkpoint {ckpt} --video {video} --target dance --out {out}", 1, "Unknown class 'dance'" },
        { "explain --checkpoint {ckpt} --video {loose} --target true --out {out}", 1,
            "--target true needs the video's class" },
        { "explain --checkpoint {ckpt} --video {video} --layer layer9 --out {out}", 2, "has layers" },
        { "explain --checkpoint {ckpt} --video {video} --windows 0 --out {out}", 2, "--windows 0" },
        { "explain --checkpoint {ckpt} --data {data} --shard 3/2 --out {out}", 2, "--shard 3/2" },
        { "explain --checkpoint {ckpt} --data {novideos} --out {out}", 1, "no videos in the class folders" },
        { "explain --checkpoint {sfm} --video {video} --out {out}", 1, "an SfMLearner checkpoint?" },
        { "explain --checkpoint {ckpt} --data {odometry} --snippet 00:2 --out {out}", 1,
            "a folder (a video classifier's checkpoint?)" },
        { "explain --checkpoint {corrupt} --video {video} --out {out}", 1, "not a readable PyTorch state_dict" },
        { "evaluate --checkpoint {truncated-sfm} --data {odometry} --out {out}", 1,
            "truncated or corrupt SfMLearner checkpoint" },
        { "evaluate-cam --checkpoint {ckpt} --data {missing} --out {out}", 1, "no such data folder" },
        { "frames {video} --count 0 --out {out}", 2, "--count must be at least 1" },
        { "synth actions --out {file}/sub --clips-per-class 1 --frames 4 --size 32", 1, "a-file/sub" },
        { "bench nosuch", 2, "Unknown benchmark 'nosuch'" },
        { "import-weights --model r3d18 --weights {empty.pth} --out {out}", 1, "empty file (0 bytes)" },
        { "import-weights --model r3d18 --weights {text.pth} --out {out}", 1, "not a PyTorch weights file" },
        { "import-weights --model r3d18 --weights {legacy.pth} --out {out}", 1, "legacy (non-zip) format" },
        { "import-weights --model r3d18 --weights {code.pth} --out {out}", 1, "refused: the file asks to run code" },
        { "import-weights --model r3d18 --weights {resnet18.pth} --out {out}", 1,
            "keys are those of a torchvision resnet18" },
        { "import-weights --model r3d18 --weights {missing}.pth --out {out}", 1, "no such weights file" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void EachMistakeGetsOneLineAndItsExitCode(string command, int exitCode, string fragment)
    {
        var output = Path.Combine(fixture.Root, "out-" + Math.Abs(command.GetHashCode()).ToString());
        var argv = command.Split(' ').Select(
            t => fixture.Paths.Aggregate(t.Replace("{out}", output), (s, kv) => s.Replace(kv.Key, kv.Value))).ToArray();
        var (code, stdout, stderr) = RunCli(argv);
        var answer = exitCode == 0 ? stdout : stderr;
        Assert.True(code == exitCode, $"exit {code}, expected {exitCode}\nstdout: {stdout}\nstderr: {stderr}");
        Assert.Contains(fragment, answer);
        Assert.DoesNotContain("Unhandled exception", stdout + stderr);
        Assert.DoesNotContain("   at ", stdout + stderr);                       // no stack trace without --verbose
        if (exitCode != 0)
        {
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.False(File.Exists(output) || Directory.Exists(output), $"{output} was left behind");
        }
    }

    [Fact]
    public void VerboseListsEveryKeyOfAMismatchAndTheStackTrace()
    {
        var (code, _, stderr) =
            RunCli(["import-weights", "--model", "r3d18", "--weights", fixture.Paths["{resnet18.pth}"],
            "--out", Path.Combine(fixture.Root, "verbose"), "--verbose"]);
        Assert.Equal(1, code);
        Assert.Contains("unexpected keys: bn1.bias, bn1.num_batches_tracked, bn1.running_mean", stderr);
        Assert.Contains("   at ", stderr);
    }

    /// <summary>The CLI in its own process, as <c>./workspace</c> runs it.</summary>
    static (int Code, string Stdout, string Stderr) RunCli(string[] argv)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "workspace.dll"));
        foreach (var a in argv) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); throw new TimeoutException(string.Join(' ', argv));
            }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

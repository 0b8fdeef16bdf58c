using TorchSharp;
using TorchSharp.PyBridge;
using VideoGradCam.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Models;

public sealed class WeightLoadingTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("vgc-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PyTorchStateDictRoundTripGivesIdenticalLogits()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        using var a = VideoModels.Create("r3d18", 3, width: 8);
        var path = Path.Combine(_dir, "r3d.pth");
        StateDictLoader.Save(a, path);
        torch.manual_seed(5);
        using var b = VideoModels.Create("r3d18", 3, width: 8);
        var clips = randn([2, 3, 4, 32, 32]);
        a.eval(); b.eval();
        Assert.False(a.call(clips).allclose(b.call(clips)));
        StateDictLoader.Load(b, path);
        Assert.True(a.call(clips).allclose(b.call(clips), rtol: 0, atol: 0));
    }

    [Fact]
    public void WrongArchitectureFailsListingMissingAndUnexpectedKeys()
    {
        using var r3d = VideoModels.Create("r3d18", 3, width: 8);
        var path = Path.Combine(_dir, "r3d.pth");
        StateDictLoader.Save(r3d, path);
        using var lstm = VideoModels.Create("cnn-lstm", 3, width: 8, hiddenSize: 16);
        var e = Assert.Throws<InvalidDataException>(() => StateDictLoader.Load(lstm, path));
        Assert.Contains(path, e.Message);
        // one line: counts, the first few keys of each kind, what the file looks like; every key in Data["details"]
        // (--verbose)
        Assert.Matches(@"\d+ missing \(backbone\.bn1\.bias, .*\d+ unexpected \(", e.Message);
        Assert.Contains("The keys are those of a r3d18", e.Message);
        Assert.True(e.Message.Length < 600, $"{e.Message.Length} characters");
        var details = (string)e.Data["details"]!;
        Assert.Contains("missing keys: backbone.bn1.bias", details);
        Assert.Contains("stem.0.weight", details);
    }

    [Fact]
    public void WrongWidthFailsListingShapes()
    {
        using var wide = VideoModels.Create("r3d18", 3, width: 16);
        var path = Path.Combine(_dir, "wide.pth");
        StateDictLoader.Save(wide, path);
        using var narrow = VideoModels.Create("r3d18", 3, width: 8);
        var e = Assert.Throws<InvalidDataException>(() => StateDictLoader.Load(narrow, path));
        Assert.Contains("with the wrong shape", e.Message);
        Assert.Contains("stem.0.weight (model [8,3,3,7,7], file [16,3,3,7,7])", (string)e.Data["details"]!);
        Assert.Contains("another width or number of classes", e.Message);
    }

    [Fact]
    public void TorchvisionResnet18FileLoadsIntoTheCnnLstmBackboneWithoutFc()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(6);
        using var imagenet = new ResNet18(width: 8, numClasses: 1000);
        var path = Path.Combine(_dir, "resnet18.pth");
        imagenet.save_py(path);
        using var model = (CnnLstm)VideoModels.Create("cnn-lstm", 3, width: 8, hiddenSize: 16);
        Assert.Throws<InvalidDataException>(() => StateDictLoader.Load(model.Backbone, path));   // fc is unexpected
        StateDictLoader.Load(model.Backbone, path, ignore: ["fc.weight", "fc.bias"]);
        Assert.True(model.state_dict()["backbone.layer3.1.conv2.weight"]
            .allclose(imagenet.state_dict()["layer3.1.conv2.weight"], rtol: 0, atol: 0));
    }

    [Fact]
    public void ACheckpointDictWrappingStateDictIsUnwrapped()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(7);
        using var a = VideoModels.Create("r3d18", 3, width: 8);
        var inner = new System.Collections.Hashtable();
        foreach (var (k, v) in a.state_dict()) inner[k] = v;
        // {'state_dict': ..., 'epoch': 3}
        var wrapper = new System.Collections.Hashtable { ["state_dict"] = inner, ["epoch"] = 3 };
        var path = Path.Combine(_dir, "wrapped.pth");
        using (var f = File.Create(path)) PyTorchPickler.PickleStateDict(f, wrapper);
        torch.manual_seed(8);
        using var b = VideoModels.Create("r3d18", 3, width: 8);
        StateDictLoader.Load(b, path);
        Assert.True(a.state_dict()["layer4.1.conv2.0.weight"]
            .allclose(b.state_dict()["layer4.1.conv2.0.weight"], rtol: 0, atol: 0));
    }

    /// <summary>A state_dict saved from a DataParallel model (every key under <c>module.</c>) loads as it is.</summary>
    [Fact]
    public void ADataParallelModulePrefixIsStripped()
    {
        torch.manual_seed(3);
        using var a = VideoModels.Create("r3d18", 3, width: 8);
        var path = Path.Combine(_dir, "parallel.pth");
        var prefixed = new System.Collections.Hashtable();
        foreach (var (k, v) in a.state_dict()) prefixed["module." + k] = v;
        using (var f = File.Create(path)) PyTorchPickler.PickleStateDict(f, prefixed);
        using var b = VideoModels.Create("r3d18", 3, width: 8);
        StateDictLoader.Load(b, path);
        Assert.True(a.state_dict()["fc.weight"].allclose(b.state_dict()["fc.weight"], rtol: 0, atol: 0));
    }

    [Fact]
    public void KeyComparisonNamesEachDifference()
    {
        var expected = new Dictionary<string, long[]> { ["a"] = [1], ["b"] = [2], ["c"] = [3] };
        var found = new Dictionary<string, long[]> { ["b"] = [2], ["c"] = [4], ["d"] = [1] };
        var m = KeyMismatch.Compare(expected, found);
        Assert.Equal(["a"], m.Missing);
        Assert.Equal(["d"], m.Unexpected);
        Assert.Single(m.WrongShape);
        Assert.False(m.IsEmpty);
        Assert.True(KeyMismatch.Compare(expected, expected).IsEmpty);
    }

    [Fact]
    public void NotAStateDictFileIsReportedWithItsPath()
    {
        var path = Path.Combine(_dir, "junk.pth");
        File.WriteAllText(path, "not a zip");
        var e = Assert.Throws<InvalidDataException>(() => StateDictLoader.Read(path));
        Assert.Contains(path, e.Message);
    }
}

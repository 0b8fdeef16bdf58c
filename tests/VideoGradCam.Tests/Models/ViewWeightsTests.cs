using TorchSharp;
using VideoGradCam.Models;
using static TorchSharp.torch;
using static VideoGradCam.Tests.Models.TorchSaveFile;

namespace VideoGradCam.Tests.Models;

/// <summary>torch.save keeps a view as it is (its storage, offset and strides): such files load with the view's
/// values.</summary>
public class ViewWeightsTests
{
    readonly string _dir = TestTemp.Dir("view-weights");

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void ATransposedTensorSavedAsItIsLoadsWithTheTransposedValues()
    {
        var path = Path.Combine(_dir, "transposed.pth");
        Write(path, new Entry("w", Floats("0", 0, 1, 2, 3, 4, 5), 0, [3, 2], [1, 3]));   // [[0,1,2],[3,4,5]].T
        var weights = StateDictLoader.Read(path);
        using var w = weights["w"];
        Assert.Equal([3L, 2L], w.shape);
        Assert.True(w.is_contiguous());
        Assert.Equal([0f, 3, 1, 4, 2, 5], Values(w));
    }

    [Fact]
    public void TensorsSharingOneStorageAtOffsetsLoadIntoAModuleWithTheirOwnValues()
    {
        var path = Path.Combine(_dir, "shared.pth");
        var storage = Floats("0", 1, 2, 3, 4, 5, 6, 7, 8);
        Write(path, new Entry("weight", storage, 0, [2, 3], [3, 1]), new Entry("bias", storage, 6, [2], [1]));
        using var layer = nn.Linear(3, 2);
        Assert.Null(StateDictLoader.Load(layer, path));
        Assert.Equal([1f, 2, 3, 4, 5, 6], Values(layer.weight!));
        Assert.Equal([7f, 8], Values(layer.bias!));
    }

    [Fact]
    public void TiedTensorsOfOneStorageEachLoad()
    {
        var path = Path.Combine(_dir, "tied.pth");
        var storage = Floats("0", 1, 2, 3, 4);
        Write(path, new Entry("encoder", storage, 0, [2, 2], [2, 1]), new Entry("decoder", storage, 0, [2, 2], [1, 2]));
        var weights = StateDictLoader.Read(path);
        Assert.Equal([1f, 2, 3, 4], Values(weights["encoder"]));
        Assert.Equal([1f, 3, 2, 4], Values(weights["decoder"]));
        foreach (var t in weights.Values) t.Dispose();
    }

    [Fact]
    public void AViewReachingBeyondItsStorageIsRefusedSayingSo()
    {
        var path = Path.Combine(_dir, "beyond.pth");
        Write(path, new Entry("w", Floats("0", 1, 2, 3, 4), 2, [3], [1]));
        var e = Assert.Throws<InvalidDataException>(() => StateDictLoader.Read(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains("reaches beyond its storage of 4 elements", e.Message);
    }

    [Fact]
    public void AHalfPrecisionFileLoadsWidenedToFloat32AndSaysSo()
    {
        var path = Path.Combine(_dir, "half.pth");
        Write(path, new Entry("weight", Halves("0", 0.5f, -1, 2, 0.25f, 3, -4), 0, [2, 3], [3, 1]),
            new Entry("bias", Floats("1", 7, 8), 0, [2], [1]));
        using var layer = nn.Linear(3, 2);
        var note = StateDictLoader.Load(layer, path);
        Assert.Equal($"{path}: 1 of its 2 tensors are float16; widened to float32 to load them.", note);
        Assert.Equal(ScalarType.Float32, layer.weight!.dtype);
        Assert.Equal([0.5f, -1, 2, 0.25f, 3, -4], Values(layer.weight!));
    }
}

using VideoGradCam.Cam;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

public class CamMapsRoundingTests
{
    [Fact]
    public void AnUpsampledSingleCellMapNormalisesToZerosNotToRoundingNoise()
    {
        var raw = full(1, 1, 1, 1, 0.123456f);                                      // [B,t,h,w]: a 1x1 activation's map
        var up = CamMaps.Upsample(raw, ActivationLayout.Image, (1, 40, 128));
        var n = CamMaps.NormalisePerClip(up);
        Assert.Equal(0f, n.abs().max().item<float>());
    }

    [Fact]
    public void ASmallButRealDifferenceStillNormalisesToTheFullRange()
    {
        var maps = tensor(new float[] { 1.000f, 1.001f, 1.002f, 1.000f }, [1, 1, 2, 2]);
        var n = CamMaps.NormalisePerClip(maps);
        Assert.Equal(1f, n.max().item<float>(), 4);
        Assert.Equal(0.5f, n[0, 0, 0, 1].item<float>(), 3);
    }
}

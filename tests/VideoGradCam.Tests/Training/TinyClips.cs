using TorchSharp;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Training;

/// <summary>A tiny two-class set: a bright square that moves right (class 0) or left (class 1) over T frames,
/// on noise. Same clips on every call (seeded), so runs are comparable.</summary>
static class TinyClips
{
    public const int Frames = 4, Size = 32;
    public static readonly string[] ClassNames = ["moves right", "moves left"];

    public static Func<IEnumerable<VideoBatch>> Batches(int clips, int batchSize, int seed) => () =>
        Make(clips, batchSize, seed);

    static IEnumerable<VideoBatch> Make(int clips, int batchSize, int seed)
    {
        var g = new Random(seed);
        for (int start = 0; start < clips; start += batchSize)
        {
            int b = Math.Min(batchSize, clips - start);
            var data = new float[b * 3 * Frames * Size * Size];
            var labels = new long[b];
            for (int i = 0; i < b; i++)
            {
                labels[i] = (start + i) % 2;
                int y = g.Next(4, Size - 12);
                for (int t = 0; t < Frames; t++)
                {
                    int x = 4 + (labels[i] == 0 ? t : Frames - 1 - t) * 6;
                    for (int c = 0; c < 3; c++)
                        for (int r = 0; r < Size; r++)
                            for (int q = 0; q < Size; q++)
                            {
                                bool inside = r >= y && r < y + 8 && q >= x && q < x + 8;
                                data[(((i * 3 + c) * Frames + t) * Size + r) * Size + q] = (inside ? 2f : -0.5f)
                                    + 0.3f * (float)(g.NextDouble() - 0.5);
                            }
                }
            }
            yield return new VideoBatch(tensor(data, [b, 3, Frames, Size, Size]), tensor(labels));
        }
    }
}

using OpenCvSharp;
using Size = OpenCvSharp.Size;
using Scalar = OpenCvSharp.Scalar;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Runtime;

/// <summary>
/// Checks the three things every experiment needs: TorchSharp (native library and autograd), OpenCV video
/// writing and reading, and Plotly.NET. A failure names the section of environment.md that fixes it.
/// </summary>
public static class EnvironmentCheck
{
    public sealed class EnvironmentException(string message, Exception? inner = null) : Exception(message, inner);

    /// <summary>Runs d(sum(x^3))/dx through torch.autograd.grad and compares it with 3x^2; returns the max
    /// error.</summary>
    public static double AutogradGrad()
    {
        try
        {
            using var scope = NewDisposeScope();
            var x = linspace(-1, 1, 5, requires_grad: true);
            var y = x.pow(3).sum();
            var g = autograd.grad([y], [x])[0];
            return (g - 3 * x.detach().pow(2)).abs().max().item<float>();
        }
        catch (TypeInitializationException e)
        {
            throw new EnvironmentException(
                "TorchSharp's native library did not load. Run `./workspace setup` (it applies the libstdc++ fix); " +
                "see environment.md, section 'TorchSharp native library'.", e);
        }
    }

    /// <summary>Writes a short MJPG video (a moving square) to <paramref name="path"/>, reads it back, returns
    /// (written, read) frame counts.</summary>
    public static (int Written, int Read) VideoRoundTrip(string path, int frames = 8, int size = 64)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var writer = new VideoWriter(path, FourCC.MJPG, 10, new Size(size, size)))
            {
                if (!writer.IsOpened()) throw new EnvironmentException(
                    $"{path}: OpenCV could not open a MJPG video writer (environment.md, 'OpenCV').");
                for (int t = 0; t < frames; t++)
                {
                    using var img = new Mat(size, size, MatType.CV_8UC3, Scalar.All(30));
                    Cv2.Rectangle(img, new Rect(t * (size / frames), size / 3, size / 4, size / 4),
                        Scalar.FromRgb(250, 200, 0), -1);
                    writer.Write(img);
                }
            }
            int read = 0;
            using (var capture = new VideoCapture(path))
            using (var frame = new Mat())
                while (capture.Read(frame) && !frame.Empty()) read++;
            return (frames, read);
        }
        catch (TypeInitializationException e)
        {
            throw new EnvironmentException(
                "OpenCV's native runtime did not load; it needs the system package libgtk-3-0. Run `./workspace " +
                "setup`; " +
                "see environment.md, section 'OpenCV'.", e);
        }
    }
}

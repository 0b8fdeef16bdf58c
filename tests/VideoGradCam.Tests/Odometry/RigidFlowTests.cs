using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Geometry;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

public class RigidFlowTests
{
    const int H = 24, W = 64;
    const double F = 40, Cx = 32, Cy = 12;

    static Tensor K() => OdometryTestKit.Intrinsics(F, Cx, Cy);

    static Tensor Pose(double tx = 0, double ty = 0, double tz = 0, double rx = 0, double ry = 0, double rz = 0) =>
        tensor(new[] { (float)tx, (float)ty, (float)tz, (float)rx, (float)ry, (float)rz }, [1, 6]);

    static float[,] Component(Tensor flow, int c) => OdometrySaliency.ToArray(flow[0, c]);

    [Fact]
    public void ForwardMotionTowardsAWallExpandsFromThePrincipalPoint()
    {
        using var scope = NewDisposeScope();
        // A wall 10 m ahead; the camera drives 1 m forward, so target points are 1 m nearer in the next frame (tz =
        // -1).
        var flow = RigidFlow.Compute(full([1, H, W], 10f), Pose(tz: -1), K());
        var (u, v) = (Component(flow, 0), Component(flow, 1));
        // no flow at the focus of expansion
        Assert.Equal(0, u[(int)Cy, (int)Cx], tolerance: 1e-4);
        Assert.Equal(0, v[(int)Cy, (int)Cx], tolerance: 1e-4);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                // (u − cx) · Z / (Z − 1) − (u − cx) = (u − cx) / 9: outwards, growing linearly with the distance
                Assert.Equal((x - Cx) / 9, u[y, x], tolerance: 1e-3);
                Assert.Equal((y - Cy) / 9, v[y, x], tolerance: 1e-3);
            }
    }

    [Fact]
    public void ForwardMotionOverTheGroundGrowsTowardsTheNearRowsAndLeavesTheSkyStill()
    {
        using var scope = NewDisposeScope();
        // The ground 1.5 m below the camera: row v > cy sees it at Z = f·1.5 / (v − cy); the rows above are sky (depth
        // 0).
        var depth = new float[H * W];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                depth[y * W + x] = y > Cy ? (float)(F * 1.5 / (y - Cy)) : 0;
        var flow = RigidFlow.Compute(tensor(depth, [1, H, W]), Pose(tz: -0.5), K());
        var (u, v) = (Component(flow, 0), Component(flow, 1));
        for (int y = 0; y <= Cy; y++)
            for (int x = 0; x < W; x++) { Assert.Equal(0, u[y, x]); Assert.Equal(0, v[y, x]); }   // sky: no flow
        double previous = 0;
        for (int y = (int)Cy + 1; y < H; y++)
        {
            double z = F * 1.5 / (y - Cy);
            // straight down the centre column
            Assert.Equal(0, u[y, (int)Cx], tolerance: 1e-3);
            // the ground point re-projected 0.5 m nearer
            Assert.Equal(F * 1.5 / (z - 0.5) - (y - Cy), v[y, (int)Cx], tolerance: 1e-2);
            Assert.True(v[y, (int)Cx] > previous,
                $"row {y}: flow {v[y, (int)Cx]} not above the row above's {previous}");
            previous = v[y, (int)Cx];
        }
    }

    [Fact]
    public void YawFlowDoesNotDependOnDepth()
    {
        using var scope = NewDisposeScope();
        const double yaw = 0.05;
        var near = RigidFlow.Compute(full([1, H, W], 3f), Pose(ry: yaw), K());
        var far = RigidFlow.Compute(full([1, H, W], 80f), Pose(ry: yaw), K());
        var mixed = RigidFlow.Compute(rand([1, H, W], generator: new Generator(4)) * 50 + 2, Pose(ry: yaw), K());
        Assert.True(near.allclose(far, rtol: 1e-4, atol: 1e-3));
        Assert.True(near.allclose(mixed, rtol: 1e-4, atol: 1e-3));
        // R_y·(0,0,Z) = Z·(sin, 0, cos)
        Assert.Equal(F * Math.Tan(yaw), Component(near, 0)[(int)Cy, (int)Cx], tolerance: 1e-3);
        // a translation, by contrast, moves near points more than far ones
        var nearSlide = RigidFlow.Magnitude(RigidFlow.Compute(full([1, H, W], 3f), Pose(tx: 0.2), K()));
        var farSlide = RigidFlow.Magnitude(RigidFlow.Compute(full([1, H, W], 80f), Pose(tx: 0.2), K()));
        Assert.True(nearSlide.min().item<float>() > 10 * farSlide.max().item<float>());
    }

    [Fact]
    public void OneDofAloneKeepsOnlyThatComponent()
    {
        using var scope = NewDisposeScope();
        var pose = Pose(0.1, 0.2, -0.7, 0.01, 0.03, 0.02);
        var tz = RigidFlow.Only(pose, "tz").data<float>().ToArray();
        Assert.Equal(new[] { 0f, 0f, -0.7f, 0f, 0f, 0f }, tz);
        Assert.Equal(0.03f, RigidFlow.Only(pose, "ry").data<float>().ToArray()[4]);
        Assert.Throws<ArgumentException>(() => RigidFlow.Only(pose, "yaw"));
        // pose must be [B,6]
        Assert.Throws<ArgumentException>(() => RigidFlow.Compute(full([1, H, W], 3f), tensor(new float[6]), K()));
    }
}

using VideoGradCam.Video;

namespace VideoGradCam.Tests.Video;

public class VideoDatasetTests
{
    /// <summary>root/&lt;class&gt;/&lt;video&gt; with empty files: the data set reads names only.</summary>
    static string FakeLayout(Dictionary<string, string[]> classes)
    {
        var root = TestVideos.TempFolder("dataset");
        foreach (var (name, videos) in classes)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            foreach (var v in videos) File.WriteAllBytes(Path.Combine(root, name, v), []);
        }
        return root;
    }

    static string[] Names(string prefix, int n) => Enumerable.Range(0, n).Select(i => $"{prefix}_{i}.avi").ToArray();

    [Fact]
    public void ClassPerFolderLayoutGivesClassNamesAndLabels()
    {
        var root = FakeLayout(new() { ["wave"] = Names("w", 3), ["clap"] = Names("c", 2) });
        File.WriteAllText(Path.Combine(root, "clap", ".hidden.tmp.avi"), "");
        File.WriteAllText(Path.Combine(root, "clap", "notes.txt"), "");
        var d = VideoDataset.FromFolders(root);
        Assert.Equal(["clap", "wave"], d.ClassNames);
        Assert.Equal(5, d.Count);
        Assert.All(d.Items, i => Assert.Equal(d.ClassNames[i.Label], Path.GetFileName(Path.GetDirectoryName(i.Path))));
    }

    [Fact]
    public void ClassListFileFixesTheClassOrder()
    {
        var root = FakeLayout(new() { ["wave"] = Names("w", 1), ["clap"] = Names("c", 1) });
        File.WriteAllText(Path.Combine(root, "classes.txt"), "wave\nclap\n");
        Assert.Equal(["wave", "clap"], VideoDataset.FromFolders(root).ClassNames);
    }

    [Fact]
    public void ClassSubsetKeepsOnlyThoseClassesInTheGivenOrder()
    {
        var root = FakeLayout(new() { ["a"] = Names("a", 1), ["b"] = Names("b", 2), ["c"] = Names("c", 3) });
        var d = VideoDataset.FromFolders(root, ["c", "a"]);
        Assert.Equal(["c", "a"], d.ClassNames);
        Assert.Equal(4, d.Count);
        var e = Assert.Throws<DirectoryNotFoundException>(() => VideoDataset.FromFolders(root, ["a", "zebra"]));
        Assert.Contains("zebra", e.Message);
    }

    [Fact]
    public void FolderWithNoVideosIsReportedWithItsPath()
    {
        var root = FakeLayout(new() { ["a"] = [], ["b"] = [] });
        var e = Assert.Throws<InvalidDataException>(() => VideoDataset.FromFolders(root));
        Assert.Contains(root, e.Message);
        var empty = TestVideos.TempFolder("noclasses");
        Assert.Contains(empty, Assert.Throws<InvalidDataException>(() => VideoDataset.FromFolders(empty)).Message);
    }

    [Fact]
    public void StratifiedSplitKeepsEveryClassOnBothSidesAndIsSeeded()
    {
        var root = FakeLayout(new() { ["a"] = Names("a", 10), ["b"] = Names("b", 20) });
        var d = VideoDataset.FromFolders(root);
        var (train, test) = d.StratifiedSplit(0.2, seed: 1);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 2, ["b"] = 4 }, test.CountPerClass());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 8, ["b"] = 16 }, train.CountPerClass());
        Assert.Empty(train.Items.Intersect(test.Items));
        Assert.Equal(test.Items, d.StratifiedSplit(0.2, seed: 1).Test.Items);
        Assert.NotEqual(test.Items, d.StratifiedSplit(0.2, seed: 2).Test.Items);
    }

    [Fact]
    public void Hmdb51SplitFilesAssignTrainAndTestAndSkipUnused()
    {
        var root = FakeLayout(new() { ["clap"] = Names("clap", 3), ["wave"] = Names("wave", 2) });
        var splits = TestVideos.TempFolder("hmdb-splits");
        File.WriteAllText(Path.Combine(splits, "clap_test_split1.txt"),
            "clap_0.avi 1 \nclap_1.avi 2 \nclap_2.avi 0 \n");
        File.WriteAllText(Path.Combine(splits, "wave_test_split1.txt"), "wave_0.avi 1\nwave_1.avi 2\n");
        var (train, test) = SplitFiles.Hmdb51(VideoDataset.FromFolders(root), splits, 1);
        Assert.Equal(["clap_0.avi", "wave_0.avi"], train.Items.Select(i => Path.GetFileName(i.Path)));
        Assert.Equal(["clap_1.avi", "wave_1.avi"], test.Items.Select(i => Path.GetFileName(i.Path)));
        Assert.Equal(["clap", "wave"], test.ClassNames);
    }

    [Fact]
    public void ClassMissingFromTheHmdb51SplitFilesIsNamed()
    {
        var root = FakeLayout(new() { ["clap"] = Names("clap", 1), ["golf"] = Names("golf", 1) });
        var splits = TestVideos.TempFolder("hmdb-missing");
        File.WriteAllText(Path.Combine(splits, "clap_test_split1.txt"), "clap_0.avi 1\n");
        var e =
            Assert.Throws<FileNotFoundException>(() => SplitFiles.Hmdb51(VideoDataset.FromFolders(root), splits, 1));
        Assert.Contains("golf_test_split1.txt", e.Message);
        Assert.Contains("'golf'", e.Message);
    }

    [Fact]
    public void Ucf101SplitListsAssignTrainAndTestForAClassSubset()
    {
        var root = FakeLayout(new() { ["ApplyEyeMakeup"] = ["v_ApplyEyeMakeup_g01_c01.avi",
            "v_ApplyEyeMakeup_g08_c01.avi"], ["Archery"] = ["v_Archery_g01_c01.avi", "v_Archery_g09_c02.avi"] });
        var splits = TestVideos.TempFolder("ucf-splits");
        File.WriteAllText(Path.Combine(splits, "trainlist01.txt"),
            "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\nArchery/v_Archery_g09_c02.avi " +
            "3\nBasketball/v_Basketball_g08_c01.avi 8\n");
        File.WriteAllText(Path.Combine(splits, "testlist01.txt"),
            "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\r\nArchery/v_Archery_g01_c01.avi\r\n");
        var (train, test) = SplitFiles.Ucf101(VideoDataset.FromFolders(root), splits, 1);
        Assert.Equal(2, train.Count);
        Assert.Equal(2, test.Count);
        Assert.All(test.Items, i => Assert.Contains("_g01_", i.Path));
        var only = SplitFiles.Ucf101(VideoDataset.FromFolders(root, ["Archery"]), splits, 1);
        Assert.Single(only.Train.Items);
    }

    [Fact]
    public void ClassMissingFromTheUcf101SplitListsIsNamed()
    {
        var root =
            FakeLayout(new() { ["Archery"] = ["v_Archery_g01_c01.avi"], ["Bowling"] = ["v_Bowling_g01_c01.avi"] });
        var splits = TestVideos.TempFolder("ucf-missing");
        File.WriteAllText(Path.Combine(splits, "trainlist01.txt"), "");
        File.WriteAllText(Path.Combine(splits, "testlist01.txt"), "Archery/v_Archery_g01_c01.avi\n");
        var e = Assert.Throws<InvalidDataException>(() => SplitFiles.Ucf101(VideoDataset.FromFolders(root), splits, 1));
        Assert.Contains("Bowling", e.Message);
        Assert.Contains("trainlist01.txt", e.Message);
    }
}

using VideoGradCam.Commands;

namespace VideoGradCam.Tests.Commands;

public class TestSummaryTests
{
    [Fact]
    public void TrxCountersAreSummedIntoOneLine()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <ResultSummary outcome="Failed"><Counters total="9" executed="8" passed="6" failed="1" error="1"
            """ + """
             timeout="0" aborted="0" notExecuted="1" /></ResultSummary>
            </TestRun>
            """);
        var c = TestCommand.ReadTrx(path);
        Assert.Equal(new TestCommand.Counts(6, 2, 1), c);
        Assert.Equal("12 passed, 4 failed, 2 skipped", (c + c).ToString());
        File.Delete(path);
    }

    [Fact]
    public void ATestHostCrashNamesTheTestItWasRunning()
    {
        var folder = Directory.CreateTempSubdirectory("blame").FullName;
        try
        {
            Assert.Empty(TestCommand.CrashedTests("Passed!  - Failed: 0, Passed: 3", folder));
            Directory.CreateDirectory(Path.Combine(folder, "guid"));
            File.WriteAllText(Path.Combine(folder, "guid", "Sequence_abc.xml"), """
                <?xml version="1.0" encoding="utf-8"?>
                <TestSequence>
                  <Test Name="Tests.A.Passes" Source="t.dll" Completed="True" />
                  <Test Name="Tests.B.Crashes" Source="t.dll" Completed="False" />
                </TestSequence>
                """);
            var output = "The active test run was aborted. Reason: Test host process crashed\n" +
                         "The test running when the crash occurred: \nTests.C.AlsoRunning\n\nTotal tests: 51";
            Assert.Equal(["Tests.B.Crashes", "Tests.C.AlsoRunning"], TestCommand.CrashedTests(output, folder));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}

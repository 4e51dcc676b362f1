using IngestWorker.Text.Html;

namespace IngestWorker.Text.Tests.Html;

public sealed class ResponsiveDisplayTests
{
    [Theory]
    // Tailwind: the widest breakpoint up to a desktop window decides.
    [InlineData("hidden lg:flex flex-col", true)]
    [InlineData("hidden md:block", true)]
    [InlineData("grid grid-cols-1 sm:grid-cols-2 lg:hidden", false)]
    [InlineData("flex md:hidden lg:block", true)]
    [InlineData("block md:!hidden", false)]
    // Bootstrap.
    [InlineData("d-none d-lg-block", true)]
    [InlineData("d-flex d-md-none", false)]
    [InlineData("d-none d-md-inline-block", true)]
    public void The_display_at_desktop_width_decides(string classes, bool shown) =>
        Assert.Equal(shown, ResponsiveDisplay.ShownOnDesktop(classes));

    [Theory]
    [InlineData(null)]
    [InlineData("hidden")]
    [InlineData("d-none")]
    [InlineData("card hover:block dark:hidden")]
    [InlineData("hidden 2xl:block")] // wider than a desktop window: still hidden there, as the plain rule says
    [InlineData("max-md:hidden")]
    [InlineData("d-print-none")]
    public void Classes_that_set_no_display_at_a_breakpoint_say_nothing(string? classes) =>
        Assert.Null(ResponsiveDisplay.ShownOnDesktop(classes));
}

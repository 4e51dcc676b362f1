using IngestWorker.Storage;

namespace IngestWorker.Tests;

public sealed class ClaimStateTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Claim = TimeSpan.FromSeconds(30);
    private static readonly ClaimState CreatedByARival = ClaimState.Fresh("\"0x1\"", "1") with { Attempts = 1, LastAttemptAt = Created, Worker = "vm/42" };

    [Fact]
    public void A_record_whose_creator_lost_the_lease_race_moments_ago_holds_no_real_attempt() =>
        Assert.True(CreatedByARival.IsUnstartedFirstAttempt(Created.AddSeconds(1), Claim));

    [Fact]
    public void A_record_older_than_a_claim_may_be_a_worker_that_died_mid_blob_and_its_attempt_counts()
    {
        Assert.False(CreatedByARival.IsUnstartedFirstAttempt(Created + Claim, Claim));
        // Clocks may disagree: only the first two thirds of a claim are taken as "never started".
        Assert.False(CreatedByARival.IsUnstartedFirstAttempt(Created.AddSeconds(21), Claim));
    }

    [Fact]
    public void A_recorded_error_or_a_second_attempt_means_work_was_done() =>
        Assert.All(new[]
        {
            CreatedByARival with { LastErrorType = "System.IO.InvalidDataException", LastError = "bad" },
            CreatedByARival with { Attempts = 2 },
            CreatedByARival with { Attempts = 0 },
            CreatedByARival with { LastAttemptAt = null },
        }, state => Assert.False(state.IsUnstartedFirstAttempt(Created.AddSeconds(1), Claim)));
}

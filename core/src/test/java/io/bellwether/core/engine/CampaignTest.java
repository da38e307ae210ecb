package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.engine.Campaign.Outcome;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

// Goal: a (pre-)candidate asks every other voter once, asks again only those that have not answered,
// counts each voter once, and counts only answers to this campaign: a granted pre-vote echoes the
// proposed term, a refusal carries the voter's, a vote carries the candidate's.
// Method: Campaigns of n1 among five voters; the test plays the answers.
class CampaignTest {

  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

  private final Effects effects = new Effects();

  private static RequestVoteResponse vote(String from, long term, boolean granted) {
    return new RequestVoteResponse(from, "n1", term, granted, false);
  }

  private static RequestVoteResponse preVote(String from, long term, boolean granted) {
    return new RequestVoteResponse(from, "n1", term, granted, true);
  }

  private List<String> askedNow() {
    return effects.takeMessages().stream().map(Message::to).toList();
  }

  @Test
  void startAsksEveryOtherVoterForTheElectionTerm() {
    Campaign c = new Campaign("n1", FIVE, true, 8, effects);
    assertThat(c.start(12, 7)).isEqualTo(Outcome.UNDECIDED);
    assertThat(effects.takeMessages()).containsExactly(
        new RequestVote("n1", "n2", 8, 12, 7, true), new RequestVote("n1", "n3", 8, 12, 7, true),
        new RequestVote("n1", "n4", 8, 12, 7, true), new RequestVote("n1", "n5", 8, 12, 7, true));
  }

  @Test
  void aOneNodeClusterWinsAtOnce() {
    Campaign c = new Campaign("n1", List.of("n1"), false, 1, effects);
    assertThat(c.start(0, 0)).isEqualTo(Outcome.WON);
    assertThat(effects.takeMessages()).isEmpty();
  }

  @Test
  void aMajorityOfGrantsWinsAndEachVoterCountsOnce() {
    Campaign c = new Campaign("n1", FIVE, false, 3, effects);
    c.start(0, 0);
    assertThat(c.onResponse(vote("n2", 3, true))).isEqualTo(Outcome.UNDECIDED);
    assertThat(c.onResponse(vote("n2", 3, true))).as("n2 again").isEqualTo(Outcome.UNDECIDED);
    assertThat(c.onResponse(vote("n3", 3, true))).isEqualTo(Outcome.WON);
  }

  @Test
  void aMajorityOfRefusalsLoses() {
    Campaign c = new Campaign("n1", FIVE, false, 3, effects);
    c.start(0, 0);
    c.onResponse(vote("n2", 3, false));
    c.onResponse(vote("n3", 3, false));
    assertThat(c.onResponse(vote("n4", 3, false))).isEqualTo(Outcome.LOST);
  }

  @Test
  void onlyAnswersToThisCampaignCount() {
    Campaign pre = new Campaign("n1", FIVE, true, 4, effects);
    pre.start(0, 0);
    assertThat(pre.onResponse(vote("n2", 4, true))).as("a real vote").isEqualTo(Outcome.UNDECIDED);
    assertThat(pre.onResponse(preVote("n2", 3, true))).as("a grant for another term")
        .isEqualTo(Outcome.UNDECIDED);
    assertThat(pre.onResponse(preVote("n9", 4, true))).as("not a voter").isEqualTo(Outcome.UNDECIDED);
    // A refused pre-vote carries the voter's own term, whatever it is; it counts.
    pre.onResponse(preVote("n2", 2, false));
    pre.onResponse(preVote("n3", 3, false));
    assertThat(pre.onResponse(preVote("n4", 3, false))).isEqualTo(Outcome.LOST);

    Campaign real = new Campaign("n1", FIVE, false, 4, effects);
    real.start(0, 0);
    real.onResponse(vote("n2", 4, true));
    assertThat(real.onResponse(preVote("n3", 4, true))).as("a pre-vote").isEqualTo(Outcome.UNDECIDED);
    assertThat(real.onResponse(vote("n3", 5, true))).as("another term").isEqualTo(Outcome.UNDECIDED);
    assertThat(real.onResponse(vote("n3", 4, true))).isEqualTo(Outcome.WON);
  }

  @Test
  void askingAgainGoesOnlyToVotersThatHaveNotAnswered() {
    Campaign c = new Campaign("n1", FIVE, false, 3, effects);
    c.start(0, 0);
    effects.takeMessages();
    c.onResponse(vote("n2", 3, true));
    c.onResponse(vote("n4", 3, false));
    c.askAgain(0, 0);
    assertThat(askedNow()).containsExactly("n3", "n5");
  }
}

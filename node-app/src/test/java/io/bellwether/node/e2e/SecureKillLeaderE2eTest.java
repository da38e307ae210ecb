package io.bellwether.node.e2e;

// Goal: security changes nothing of what the fault suite proves: with peer TLS, HTTPS and tokens on
// every node, killing the leader again and again under load loses no acknowledged write, and the
// history stays linearizable. The link proxies carry TLS as they carried plaintext.
// Method: KillLeaderE2eTest's schedule on a cluster started secure (E2eSecurity).

class SecureKillLeaderE2eTest extends KillLeaderE2eTest {

  @Override
  protected boolean secure() {
    return true;
  }
}

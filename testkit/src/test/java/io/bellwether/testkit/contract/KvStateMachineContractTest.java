package io.bellwether.testkit.contract;

import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.StateMachine;

// Goal: prove core's key-value state machine, with its keys in memory, honours the contract.
class KvStateMachineContractTest extends KvStateMachineContract {

  @Override
  protected StateMachine newStateMachine() {
    return new KvStateMachine();
  }
}

package dev.dml4j.golden;

/** Golden cases of kind {@code multiple_losses}: a weighted sum of losses, checked like a single loss. */
class MultipleLossesRunner extends LossCaseRunner {
}

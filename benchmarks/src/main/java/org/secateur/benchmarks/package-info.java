/**
 * JMH benchmarks and the peer comparison against PyTorch. Its contents arrive with the performance issue; the
 * module already builds so that the reactor is complete.
 */
package org.secateur.benchmarks;

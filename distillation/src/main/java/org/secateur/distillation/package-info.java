/**
 * Knowledge-distillation losses and trainers (output and layer-wise). Its contents arrive with the distillation
 * issue; the module already builds so that the reactor is complete.
 */
package org.secateur.distillation;

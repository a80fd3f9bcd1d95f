/**
 * Ids for the calls and action errors a dialect reads from tag output, where the model writes no
 * id. One counter per dialect instance, so ids are unique within a run (and across the runs that
 * share the instance).
 */
export class CallIds {
  #count = 0;

  next(): string {
    this.#count++;
    return `call_${this.#count}`;
  }
}

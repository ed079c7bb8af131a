/** A live container, as `LocalWhisk.containers()` reports it and `onContainerAssigned` receives it. */
export interface ContainerInfo {
  /** OS process id of the container. */
  readonly pid: number;
  /** Fully qualified action name, `/ns/[pkg/]name`. */
  readonly action: string;
  /** Activations running in it (or waiting for its initialization). */
  readonly activations: readonly string[];
}

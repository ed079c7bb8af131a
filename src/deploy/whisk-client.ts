/** Names an entity; `namespace` defaults to the client's own. */
export interface EntityName {
  readonly name: string;
  readonly namespace?: string;
}

/**
 * The parts of an `openwhisk` SDK client that deploying uses. The SDK's own client
 * (`openwhisk({ apihost, api_key })`) fits it; declaring it here keeps the SDK's type declarations,
 * which need packages of their own, out of whisk-sync's.
 */
export interface WhiskClient {
  readonly packages: {
    get(options: EntityName): Promise<unknown>;
    update(options: EntityName & { readonly package?: unknown }): Promise<unknown>;
  };
  readonly actions: {
    get(options: EntityName): Promise<unknown>;
    update(options: EntityName & { readonly action?: unknown }): Promise<unknown>;
  };
}

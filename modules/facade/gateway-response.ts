/** One `aws_api_gateway_gateway_response`, as data: created from it (routes.ts), hashed into the deployment trigger and answered by the local system (dev/). */
export interface GatewayResponseDefinition {
  readonly responseType: string;
  readonly statusCode?: string;
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates?: Readonly<Record<string, string>>;
}

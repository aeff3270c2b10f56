/**
 * Where the façade is reachable: the REST API (regional) and, optionally, a custom domain. Its URLs
 * are known before any function or route exists, which breaks the cycle
 * Cognito client (callback URL) → API → integrations → functions (client id) → Cognito client.
 */
import { Construct } from 'constructs';
import { Fn, type IResolvable } from 'cdktn';
import { ApiGatewayRestApi } from '@cdktn/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayDomainName } from '@cdktn/provider-aws/lib/api-gateway-domain-name';
import { Route53Record } from '@cdktn/provider-aws/lib/route53-record';
import { PATHS } from '../../functions/lib/http/routes';
import { arnRegion } from '../terraform-paths';
import { addressSegment } from '../readable-stack';
import { Conditional } from '../conditional';

export interface CustomDomainProps {
  readonly domainName: string;
  readonly certificateArn: string;
  readonly hostedZoneId?: string;
  /**
   * Decided by Terraform (general modules): the domain exists only when this boolean expression
   * holds, and the alias record only when `hostedZoneWhen` holds too. Without it the domain exists.
   */
  readonly when?: string;
  readonly hostedZoneWhen?: string;
}

export interface FacadeEndpointProps {
  readonly name: string;
  readonly stageName: string;
  readonly customDomain?: CustomDomainProps;
  /** The partition's DNS suffix of the execute-api host. @default 'amazonaws.com' */
  readonly dnsSuffix?: string;
}

export class FacadeEndpoint extends Construct {
  /** The REST API's name, as given (a literal: AWS/ApiGateway's `ApiName` dimension). */
  readonly name: string;
  readonly restApi: ApiGatewayRestApi;
  readonly stageName: string;
  /**
   * The REST API's `disable_execute_api_endpoint`. It takes effect only with the next deployment
   * or stage update (API Gateway developer guide, "Disable the default endpoint for REST APIs" and
   * "Updates to REST APIs that require redeployment"), so it is a deployment trigger input (routes.ts).
   */
  readonly disableExecuteApiEndpoint: boolean | IResolvable;
  readonly domain?: ApiGatewayDomainName;
  /** Set when the custom domain is decided by Terraform: the expression under which it exists. */
  readonly domainWhen?: string;
  /** `https://<domain>` or `https://<api>.execute-api.<region>.amazonaws.com/<stage>`, no trailing slash. */
  readonly baseUrl: string;
  /** Set only with a custom domain (the functions' PUBLIC_BASE_URL). */
  readonly publicBaseUrl?: string;

  constructor(scope: Construct, id: string, props: FacadeEndpointProps) {
    super(scope, id);
    this.name = props.name;
    this.stageName = props.stageName;
    // With a custom domain that domain is the issuer and the Cognito callback: the default
    // execute-api URL would be a second, inconsistent way in.
    const when = props.customDomain?.when;
    this.disableExecuteApiEndpoint = when !== undefined ? Fn.conditional(when, true, false) : props.customDomain !== undefined;
    this.restApi = new ApiGatewayRestApi(this, 'api', {
      name: props.name,
      description: 'MCP OAuth façade in front of Amazon Bedrock AgentCore Gateway',
      endpointConfiguration: { types: ['REGIONAL'] },
      disableExecuteApiEndpoint: this.disableExecuteApiEndpoint,
    });

    const executeApiUrl = () => `https://${this.restApi.id}.execute-api.${arnRegion(this.restApi.arn)}.${props.dnsSuffix ?? 'amazonaws.com'}/${props.stageName}`;
    if (props.customDomain?.when !== undefined) {
      // Terraform decides: the same resources, each counted on the condition (modules/conditional.ts).
      const domain = props.customDomain;
      addressSegment(this, 'custom-domain', '');
      const scope = new Conditional(this, 'custom-domain', domain.when as string);
      this.domainWhen = domain.when;
      this.domain = new ApiGatewayDomainName(scope, 'domain', {
        domainName: domain.domainName,
        regionalCertificateArn: domain.certificateArn,
        endpointConfiguration: { types: ['REGIONAL'] },
        securityPolicy: 'TLS_1_2',
      });
      if (domain.hostedZoneId !== undefined) {
        addressSegment(scope, 'alias', '');
        new Route53Record(new Conditional(scope, 'alias', domain.hostedZoneWhen ?? 'true'), 'dns', {
          zoneId: domain.hostedZoneId,
          name: this.domain.domainName,
          type: 'A',
          alias: { name: this.domain.regionalDomainName, zoneId: this.domain.regionalZoneId, evaluateTargetHealth: false },
        });
      }
      // PUBLIC_BASE_URL empty = unset (functions/lib/config.ts): the functions derive it per request.
      this.publicBaseUrl = Fn.conditional(domain.when as string, `https://${domain.domainName}`, '');
      this.baseUrl = Fn.conditional(domain.when as string, `https://${domain.domainName}`, executeApiUrl());
    } else if (props.customDomain) {
      this.domain = new ApiGatewayDomainName(this, 'domain', {
        domainName: props.customDomain.domainName,
        regionalCertificateArn: props.customDomain.certificateArn,
        endpointConfiguration: { types: ['REGIONAL'] },
        securityPolicy: 'TLS_1_2',
      });
      if (props.customDomain.hostedZoneId) {
        new Route53Record(this, 'dns', {
          zoneId: props.customDomain.hostedZoneId,
          name: this.domain.domainName,
          type: 'A',
          alias: { name: this.domain.regionalDomainName, zoneId: this.domain.regionalZoneId, evaluateTargetHealth: false },
        });
      }
      this.publicBaseUrl = `https://${props.customDomain.domainName}`;
      this.baseUrl = this.publicBaseUrl;
    } else {
      // The stage's invoke_url, built from the API alone (the stage depends on the functions).
      this.baseUrl = executeApiUrl();
    }
  }

  /** The Cognito client's only callback URL. */
  get callbackUrl(): string {
    return `${this.baseUrl}${PATHS.callback}`;
  }

  /** What users paste into their MCP client. */
  get mcpUrl(): string {
    return `${this.baseUrl}${PATHS.mcp}`;
  }
}

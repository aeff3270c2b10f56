/**
 * THE SEAM (issue 25, until the branches merge): where the token function gets the {@link AssertionSignIn}
 * that turns a verified ID-JAG into the user's Cognito tokens. The real one is `createAssertionSignIn`
 * (cognito-sign-in.ts, the assertion bridge), written on another branch; at merge the coordinator makes
 * {@link assertionSignInFor} build it from the {@link EnterpriseConfig} (once per container) and removes
 * {@link setAssertionSignIn}. Until then nothing is installed in a deployment and the grant answers
 * 500 `server_error` "enterprise sign-in is not configured" (token/enterprise/grant.ts).
 */
import type { EnterpriseConfig } from './config';
import type { AssertionSignIn } from './types';

let installed: AssertionSignIn | undefined;

/** Installs the sign-in the grant uses (tests; replaced by the factory at merge). */
export function setAssertionSignIn(signIn: AssertionSignIn | undefined): void {
  installed = signIn;
}

/** The sign-in for this configuration, or undefined when none is available. */
export function assertionSignInFor(_config: EnterpriseConfig): AssertionSignIn | undefined {
  return installed;
}

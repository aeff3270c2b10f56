/**
 * Where the jwt-bearer grant gets the {@link AssertionSignIn} that turns a verified ID-JAG into the
 * user's Cognito tokens: the assertion bridge's sign-in (settings.ts, cognito-sign-in.ts) built from
 * the token function's enterprise settings. Handler tests of the grant replace it with
 * {@link replaceAssertionSignIn} to test the grant's own rules apart from Cognito (the bridge's
 * sign-in has its own tests against Cognito's endpoints, and the e2e runs both together).
 */
import type { EnterpriseConfig } from './config';
import { assertionSignInFor as bridgeSignIn, type AssertionSignInContext } from './settings';
import type { AssertionSignIn } from './types';

let replacement: AssertionSignIn | undefined;

/** Tests of the grant: the sign-in to use instead of the bridge's (undefined restores it). */
export function replaceAssertionSignIn(signIn: AssertionSignIn | undefined): void {
  replacement = signIn;
}

/** The sign-in for this configuration and request. */
export function assertionSignInFor(config: EnterpriseConfig, context: AssertionSignInContext): AssertionSignIn {
  return replacement ?? bridgeSignIn(config, context);
}

import { SetMetadata } from '@nestjs/common';

/** Route metadata: the `Authorization` header may hold the bare token, without `Bearer `. */
export const RAW_AUTHORIZATION_ALLOWED = 'auth:raw-authorization-allowed';

/** Marks a route whose clients may send the access token without the `Bearer ` scheme. */
export const AllowRawAuthorization = () => SetMetadata(RAW_AUTHORIZATION_ALLOWED, true);

import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';

const CLIENT_DATA_KEY = 'custody:client-data';

/**
 * Marks a route that answers client data without naming a client in its path (a withdrawal by
 * id, a run's per-client lines, an evidence pack): a staff read of it is a CLIENT_DATA_READ
 * security event (HK-22), as a read under /clients/:clientId is by its parameter.
 */
export const ClientData = (): MethodDecorator & ClassDecorator =>
  SetMetadata(CLIENT_DATA_KEY, true);

/** The request's mark the access log reads once the answer is sent. */
export interface ClientDataMarked {
  clientData?: boolean;
}

/** Sets the mark on the request of a route marked @ClientData() (the access log cannot see Nest's metadata itself). */
@Injectable()
export class ClientDataInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (
      this.reflector.getAllAndOverride<boolean | undefined>(CLIENT_DATA_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    ) {
      context.switchToHttp().getRequest<ClientDataMarked>().clientData = true;
    }
    return next.handle();
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import type { AuthConfig } from './auth-config';
import { TokenVerifier, type TokenVerifierOptions } from './token-verifier';

/** Provides the TokenVerifier and registers AuthGuard as the global guard (APP_GUARD). */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig, options: TokenVerifierOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TokenVerifier, useValue: new TokenVerifier(config, options) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier],
    };
  }
}

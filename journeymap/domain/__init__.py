"""The write side: one function per change a user can make. Routes validate input, call one of
these and commit; these never commit, so a route's change lands whole or not at all."""

-- wrk script: POST /auth/login for the demo rider (seeded by `make up`).
wrk.method = "POST"
wrk.body = '{"email":"rider@uitgo.dev","password":"rider-demo-2026"}'
wrk.headers["Content-Type"] = "application/json"

#include "cli/commands.hpp"

#include "switchboard/db/migrate.hpp"
#include "switchboard/db/pg_store.hpp"

#include "switchboard/events/calendar.hpp"

#include <cstdio>
#include <iostream>

namespace sb::app::cli {

void add_migrate(CLI::App& app, int& exit_code) {
  auto pg = std::make_shared<std::string>(env_or("SB_PG_URL", ""));
  auto* cmd = app.add_subcommand("migrate", "Apply database migrations");
  cmd->add_option("--pg", *pg, "PostgreSQL URL ($SB_PG_URL)")
    ->required(pg->empty());
  cmd->callback([pg, &exit_code] {
    auto applied = db::migrate(*pg);
    if (!applied) {
      std::cerr << "switchboard migrate: " << db::describe(applied.error())
                << "\n";
      exit_code = 1;
      return;
    }
    std::cerr << "switchboard migrate: " << *applied
              << " migration(s) applied\n";
  });
}

namespace {

/// Connects to the database, or says why not and sets `exit_code`.
std::unique_ptr<db::pg_store> connect_or_fail(const std::string& url,
                                              int& exit_code) {
  auto store = db::pg_store::connect(url);
  if (!store) {
    std::cerr << "switchboard keys: " << db::describe(store.error()) << "\n";
    exit_code = 1;
    return nullptr;
  }
  return std::move(*store);
}

std::string time_or_dash(std::int64_t us) {
  return us == 0 ? "-" : format_iso8601_ms(us).substr(0, 19) + "Z";
}

} // namespace

void add_keys(CLI::App& app, int& exit_code) {
  auto pg = std::make_shared<std::string>(env_or("SB_PG_URL", ""));
  auto tenant = std::make_shared<std::string>("default");
  auto role = std::make_shared<std::string>("admin");
  auto name = std::make_shared<std::string>();
  auto list_tenant = std::make_shared<std::string>();
  auto prefix = std::make_shared<std::string>();
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);

  auto* create = keys->add_subcommand(
    "create", "Create a key (and its tenant); prints the key once");
  create->add_option("--pg", *pg, "PostgreSQL URL ($SB_PG_URL)")
    ->required(pg->empty());
  create->add_option("--tenant", *tenant, "Tenant id")->capture_default_str();
  create->add_option("--role", *role,
                     "admin (everything of its tenant), viewer (reads), "
                     "ingest (writes logs and events only)")
    ->capture_default_str()
    ->check(CLI::IsMember({"admin", "viewer", "ingest"}));
  create->add_option("--name", *name, "What the key is for (shown by list)");
  create->callback([pg, tenant, role, name, &exit_code] {
    auto store = connect_or_fail(*pg, exit_code);
    if (!store)
      return;
    if (auto t = store->ensure_tenant(*tenant); !t) {
      std::cerr << "switchboard keys: " << db::describe(t.error()) << "\n";
      exit_code = 1;
      return;
    }
    auto key = store->create_api_key(*tenant, *role, *name);
    if (!key) {
      std::cerr << "switchboard keys: " << db::describe(key.error()) << "\n";
      exit_code = 1;
      return;
    }
    std::cout << *key << "\n";
  });

  auto* list = keys->add_subcommand(
    "list", "List keys: prefix, name, tenant, role, created, last used "
            "(never the secret)");
  list->add_option("--pg", *pg, "PostgreSQL URL ($SB_PG_URL)")
    ->required(pg->empty());
  list->add_option("--tenant", *list_tenant, "Only this tenant's keys");
  list->callback([pg, list_tenant, &exit_code] {
    auto store = connect_or_fail(*pg, exit_code);
    if (!store)
      return;
    auto rows = store->list_api_keys(*list_tenant);
    if (!rows) {
      std::cerr << "switchboard keys: " << db::describe(rows.error()) << "\n";
      exit_code = 1;
      return;
    }
    std::printf("%-10s %-20s %-16s %-7s %-21s %-21s %s\n", "PREFIX", "NAME",
                "TENANT", "ROLE", "CREATED", "LAST USED", "REVOKED");
    for (const auto& k : *rows)
      std::printf("%-10s %-20s %-16s %-7s %-21s %-21s %s\n", k.prefix.c_str(),
                  k.name.empty() ? "-" : k.name.c_str(), k.tenant_id.c_str(),
                  k.role.c_str(), time_or_dash(k.created_at).c_str(),
                  time_or_dash(k.last_used_at).c_str(),
                  time_or_dash(k.revoked_at).c_str());
  });

  auto* revoke = keys->add_subcommand(
    "revoke", "Revoke a key by its prefix (sb_<prefix>_...): every node "
              "refuses it within a second");
  revoke->add_option("--pg", *pg, "PostgreSQL URL ($SB_PG_URL)")
    ->required(pg->empty());
  revoke->add_option("prefix", *prefix, "The key's prefix")->required();
  revoke->callback([pg, prefix, &exit_code] {
    auto store = connect_or_fail(*pg, exit_code);
    if (!store)
      return;
    auto revoked = store->revoke_api_key(*prefix);
    if (!revoked) {
      std::cerr << "switchboard keys: " << db::describe(revoked.error())
                << "\n";
      exit_code = 1;
      return;
    }
    if (!*revoked) {
      std::cerr << "switchboard keys: no live key with prefix '" << *prefix
                << "'\n";
      exit_code = 1;
      return;
    }
    std::cerr << "switchboard keys: revoked " << *prefix << "\n";
  });
}

} // namespace sb::app::cli

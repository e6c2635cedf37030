#include "cli/commands.hpp"

#include "switchboard/db/migrate.hpp"
#include "switchboard/db/pg_store.hpp"

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

void add_keys(CLI::App& app, int& exit_code) {
  auto pg = std::make_shared<std::string>(env_or("SB_PG_URL", ""));
  auto tenant = std::make_shared<std::string>("default");
  auto role = std::make_shared<std::string>("admin");
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand(
    "create", "Create a key (and its tenant); prints the key once");
  create->add_option("--pg", *pg, "PostgreSQL URL ($SB_PG_URL)")
    ->required(pg->empty());
  create->add_option("--tenant", *tenant, "Tenant id")->capture_default_str();
  create->add_option("--role", *role, "admin or viewer")
    ->capture_default_str()
    ->check(CLI::IsMember({"admin", "viewer"}));
  create->callback([pg, tenant, role, &exit_code] {
    auto store = db::pg_store::connect(*pg);
    if (!store) {
      std::cerr << "switchboard keys: " << db::describe(store.error()) << "\n";
      exit_code = 1;
      return;
    }
    if (auto t = (*store)->ensure_tenant(*tenant); !t) {
      std::cerr << "switchboard keys: " << db::describe(t.error()) << "\n";
      exit_code = 1;
      return;
    }
    auto key = (*store)->create_api_key(*tenant, *role);
    if (!key) {
      std::cerr << "switchboard keys: " << db::describe(key.error()) << "\n";
      exit_code = 1;
      return;
    }
    std::cout << *key << "\n";
  });
}

} // namespace sb::app::cli

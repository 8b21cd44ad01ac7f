#include "driver/search/redis_geo.hpp"

namespace uitgo::driver::redis_geo {

std::vector<double> radius_steps(double radius_meters) {
  static constexpr double kSteps[] = {500, 1000, 2000, 5000, 10000, 20000};
  std::vector<double> steps;
  for (const double step : kSteps) {
    if (step < radius_meters) steps.push_back(step);
  }
  steps.push_back(radius_meters);
  return steps;
}

}  // namespace uitgo::driver::redis_geo

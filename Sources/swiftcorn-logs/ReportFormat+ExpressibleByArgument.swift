import ArgumentParser
import SwiftcornLogAnalysis

extension ReportFormat: ExpressibleByArgument {}

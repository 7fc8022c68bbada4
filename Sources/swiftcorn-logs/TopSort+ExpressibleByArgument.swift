import ArgumentParser
import SwiftcornLogAnalysis

extension TopSort: ExpressibleByArgument {}
